package org.sparklm.model.score;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.checkpoint.SafeTensors;
import org.sparklm.model.config.ConfigLoader;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;

/**
 * What evaluation reads of a checkpoint ({@code step-N/} written by {@link Checkpoint#save}):
 * {@code state.json}'s step, model config and tokenizer hash, and the weights of
 * {@code model.safetensors} (its {@code tokenizer.json}, when it carries one, is read by
 * {@link Encoders#forCheckpoint}). Unlike {@link Checkpoint#load} it never reads the optimizer's moments
 * (twice the weights' size), and the driver can read the small {@link Info} alone.
 */
public final class ScoringCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScoringCheckpoint() {}

  /**
   * The checkpoint's description, from {@code state.json} alone. Serializable (it travels to
   * Spark executors), so the model config is kept as its JSON ({@link GptConfig} is not).
   */
  public record Info(String path, long step, String modelJson, String tokenizerHash) implements java.io.Serializable {
    public GptConfig model() {
      return ConfigLoader.fromJson(modelJson, GptConfig.class);
    }
  }

  /**
   * @throws IOException naming the folder and what is wrong with it
   */
  public static Info info(Path stepDir, Configuration conf) throws IOException {
    FileSystem fs = stepDir.getFileSystem(conf);
    Path state = new Path(stepDir, Checkpoint.STATE);
    if (!fs.exists(state)) {
      throw new IOException(stepDir + " is not a checkpoint (no " + Checkpoint.STATE + "): pass a step-N folder written by train");
    }
    JsonNode s;
    try (InputStream in = fs.open(state)) {
      s = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException(state + " is not valid JSON: " + e.getMessage(), e);
    }
    if (s == null || !s.hasNonNull("step") || !s.hasNonNull("model")) {
      throw new IOException(state + " has no 'step' or 'model': not a checkpoint written by train");
    }
    try {
      ConfigLoader.fromJson(s.get("model").toString(), GptConfig.class);
    } catch (RuntimeException e) {
      throw new IOException(state + ": the model config is invalid: " + e.getMessage(), e);
    }
    String tok = s.hasNonNull("tokenizer_hash") ? s.get("tokenizer_hash").asText() : null;
    return new Info(stepDir.toString(), s.get("step").asLong(), s.get("model").toString(), tok);
  }

  /** The checkpoint's model on {@code device}; the weights are checked against its config. */
  public static Gpt loadModel(Info info, Device device, Configuration conf) throws IOException {
    Path file = new Path(new Path(info.path()), Checkpoint.MODEL);
    Map<String, float[]> weights = new LinkedHashMap<>();
    FileSystem fs = file.getFileSystem(conf);
    try (InputStream in = fs.open(file)) {
      SafeTensors.read(in, file.toString()).forEach((k, t) -> weights.put(k, t.values()));
    } catch (java.io.FileNotFoundException e) {
      throw new IOException(info.path() + " has no " + Checkpoint.MODEL, e);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return Gpt.fromValues(info.model(), device, weights);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " does not match its state.json model config: " + e.getMessage(), e);
    }
  }
}
