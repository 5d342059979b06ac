package org.sparklm.model.checkpoint;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.config.ConfigLoader;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.TrainState;

/**
 * Checkpoints on any Hadoop FileSystem ({@code file:}, {@code hdfs:}, {@code s3a:}...). One
 * checkpoint is a folder {@code step-N/} holding:
 *
 * <ul>
 *   <li>{@code model.safetensors}: the fp32 parameters under their GPT-2 names;</li>
 *   <li>{@code optimizer.safetensors}: AdamW's moments, {@code m.<name>} and {@code v.<name>};</li>
 *   <li>{@code state.json}: step, next learning rate, data cursor, seed (dropout's random
 *       numbers are a function of seed and step), loss scale, the spike detector's window, the
 *       model and training configs and the tokenizer's hash;</li>
 *   <li>{@code tokenizer.json} (when the run has a BPE tokenizer): the tokenizer the ids came
 *       from, whose SHA-256 is {@code state.json}'s {@code tokenizer_hash}, so the checkpoint alone
 *       can score raw text and export to Hugging Face.</li>
 * </ul>
 *
 * <p>Atomic: everything is written into a hidden {@code _tmp-step-N-<uuid>/} folder, and only
 * once complete is it renamed to {@code step-N/} ({@code state.json} is written last, so on a
 * store whose rename is not atomic a folder without it is still ignored). {@link #latest} never
 * returns a half-written checkpoint.
 */
public final class Checkpoint {
  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = "state.json";
  /** The run's tokenizer, copied into every checkpoint of a run trained on BPE token shards. */
  public static final String TOKENIZER = "tokenizer.json";
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoint() {}

  /** What a checkpoint holds, read back. */
  public record Loaded(Path path, GptConfig model, TrainConfig train, String tokenizerHash,
                       Map<String, float[]> weights, TrainState state) {
    /** The model on {@code device}, ready to train or score. */
    public Gpt toModel(Device device) {
      return Gpt.fromValues(model, device, weights);
    }
  }

  /**
   * Writes {@code step-<state.step()>/} under {@code dir} atomically and returns its path.
   * An existing checkpoint of the same step is replaced.
   */
  public static Path save(Path dir, Gpt model, TrainState state, TrainConfig train, String tokenizerHash,
                          double nextLr, Configuration conf) throws IOException {
    return save(dir, model, state, train, tokenizerHash, null, nextLr, conf);
  }

  /**
   * As {@link #save(Path, Gpt, TrainState, TrainConfig, String, double, Configuration)}, also
   * writing {@code tokenizerJson} (when not null) as {@code tokenizer.json} inside the same atomic
   * write. Its SHA-256 must be {@code tokenizerHash}: a checkpoint never carries a tokenizer other
   * than the one its hash names.
   *
   * @throws IllegalArgumentException when the tokenizer's SHA-256 is not {@code tokenizerHash}
   */
  public static Path save(Path dir, Gpt model, TrainState state, TrainConfig train, String tokenizerHash,
                          byte[] tokenizerJson, double nextLr, Configuration conf) throws IOException {
    if (tokenizerJson != null) {
      String sha = org.sparklm.model.tokenizer.TokenizerJson.sha256(tokenizerJson);
      if (!sha.equals(tokenizerHash)) {
        throw new IllegalArgumentException("the tokenizer.json given to save (sha256 " + sha
            + ") is not the tokenizer the checkpoint records (" + tokenizerHash + ")");
      }
    }
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    String name = "step-" + state.step();
    Path tmp = new Path(dir, "_tmp-" + name + "-" + UUID.randomUUID());
    Path target = new Path(dir, name);
    try {
      fs.mkdirs(tmp);
      Map<String, SafeTensors.Tensor> weights = new LinkedHashMap<>();
      model.parameters().forEach((k, p) -> weights.put(k, new SafeTensors.Tensor(p.getShape().getShape(), p.toFloatArray())));
      try (OutputStream out = fs.create(new Path(tmp, MODEL), false)) {
        SafeTensors.write(out, weights, Map.of("format", "pt", "sparklm", "checkpoint"));
      }
      Map<String, SafeTensors.Tensor> optim = new LinkedHashMap<>();
      state.firstMoments().forEach((k, v) -> optim.put("m." + k, new SafeTensors.Tensor(weights.get(k).shape(), v)));
      state.secondMoments().forEach((k, v) -> optim.put("v." + k, new SafeTensors.Tensor(weights.get(k).shape(), v)));
      try (OutputStream out = fs.create(new Path(tmp, OPTIMIZER), false)) {
        SafeTensors.write(out, optim, Map.of("adam_step", Long.toString(state.adamStep())));
      }
      if (tokenizerJson != null) {
        try (OutputStream out = fs.create(new Path(tmp, TOKENIZER), false)) {
          out.write(tokenizerJson);
        }
      }
      ObjectNode s = JSON.createObjectNode();
      s.put("step", state.step());
      s.put("next_lr", nextLr);
      s.put("seed", train.seed());
      ObjectNode c = s.putObject("cursor");
      c.put("epoch", state.cursor().epoch());
      c.put("shard", state.cursor().shard());
      c.put("row", state.cursor().row());
      s.put("loss_scale", state.lossScale());
      s.put("good_steps", state.goodSteps());
      var losses = s.putArray("recent_losses");
      state.recentLosses().forEach(losses::add);
      s.put("adam_step", state.adamStep());
      s.set("model", JSON.readTree(ConfigLoader.toJson(model.config())));
      s.set("train", JSON.readTree(ConfigLoader.toJson(train)));
      if (tokenizerHash != null) {
        s.put("tokenizer_hash", tokenizerHash);
      }
      try (OutputStream out = fs.create(new Path(tmp, STATE), false)) {
        out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
      }
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      return target;
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, true);
      }
    }
  }

  /** The complete checkpoint with the highest step under {@code dir}, if any. */
  public static Optional<Path> latest(Path dir, Configuration conf) throws IOException {
    List<Path> all = list(dir, conf);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Every complete checkpoint under {@code dir}, by step; temp folders and incomplete ones are skipped. */
  public static List<Path> list(Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return List.of();
    }
    List<long[]> steps = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      Matcher m = STEP_DIR.matcher(st.getPath().getName());
      if (st.isDirectory() && m.matches() && fs.exists(new Path(st.getPath(), STATE))
          && fs.exists(new Path(st.getPath(), MODEL)) && fs.exists(new Path(st.getPath(), OPTIMIZER))) {
        steps.add(new long[] {Long.parseLong(m.group(1)), paths.size()});
        paths.add(st.getPath());
      }
    }
    steps.sort((a, b) -> Long.compare(a[0], b[0]));
    List<Path> out = new ArrayList<>();
    steps.forEach(s -> out.add(paths.get((int) s[1])));
    return out;
  }

  /** Reads a checkpoint folder ({@code .../step-N}). */
  public static Loaded load(Path stepDir, Configuration conf) throws IOException {
    FileSystem fs = stepDir.getFileSystem(conf);
    JsonNode s;
    try (InputStream in = fs.open(new Path(stepDir, STATE))) {
      s = JSON.readTree(in);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException(stepDir + " is not a checkpoint (no " + STATE + "): pass a step-N folder written by train", e);
    }
    GptConfig model = ConfigLoader.fromJson(s.get("model").toString(), GptConfig.class);
    TrainConfig train = ConfigLoader.fromJson(s.get("train").toString(), TrainConfig.class);
    Map<String, float[]> weights = new LinkedHashMap<>();
    try (InputStream in = fs.open(new Path(stepDir, MODEL))) {
      SafeTensors.read(in, stepDir + "/" + MODEL).forEach((k, t) -> weights.put(k, t.values()));
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    try (InputStream in = fs.open(new Path(stepDir, OPTIMIZER))) {
      SafeTensors.read(in, stepDir + "/" + OPTIMIZER).forEach((k, t) -> {
        if (k.startsWith("m.")) {
          m.put(k.substring(2), t.values());
        } else if (k.startsWith("v.")) {
          v.put(k.substring(2), t.values());
        }
      });
    }
    List<Double> losses = new ArrayList<>();
    s.get("recent_losses").forEach(n -> losses.add(n.asDouble()));
    JsonNode c = s.get("cursor");
    TrainState state = new TrainState(s.get("step").asLong(),
        new ShardCursor(c.get("epoch").asLong(), c.get("shard").asInt(), c.get("row").asLong()),
        s.get("loss_scale").asDouble(), s.get("good_steps").asLong(), losses, s.get("adam_step").asLong(), m, v);
    String tok = s.hasNonNull("tokenizer_hash") ? s.get("tokenizer_hash").asText() : null;
    return new Loaded(stepDir, model, train, tok, weights, state);
  }

  /**
   * The {@code tokenizer.json} a checkpoint carries, or null when it has none (a byte-level run,
   * or a run trained before checkpoints carried their tokenizer).
   */
  public static Path tokenizerFile(Path stepDir, Configuration conf) throws IOException {
    Path p = new Path(stepDir, TOKENIZER);
    return p.getFileSystem(conf).exists(p) ? p : null;
  }

  /** Scoring entry point: the model of a checkpoint on {@code device}, nothing else loaded into it. */
  public static Gpt loadModel(Path stepDir, Device device, Configuration conf) throws IOException {
    return load(stepDir, conf).toModel(device);
  }
}
