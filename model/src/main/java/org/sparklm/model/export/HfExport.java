package org.sparklm.model.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.checkpoint.SafeTensors;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;

/**
 * Exports a checkpoint as a Hugging Face GPT-2 model folder: {@code model.safetensors} with
 * GPT-2's tensor names (as on the Hub: {@code wte.weight}, {@code h.0.attn.c_attn.weight}...,
 * Conv1D layout, the tied LM head left out as transformers expects), {@code config.json} for
 * {@code GPT2LMHeadModel}, and the run's {@code tokenizer.json} (given, or the checkpoint's own).
 *
 * <pre>java -cp ... org.sparklm.model.export.HfExport CHECKPOINT_DIR OUT_DIR [tokenizer.json]</pre>
 *
 * <p>Only configs that GPT-2 can express export: learned positions and biases on.
 */
public final class HfExport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfExport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: HfExport CHECKPOINT_DIR OUT_DIR [tokenizer.json]");
      System.exit(2);
    }
    Path out = export(new Path(args[0]), new Path(args[1]), args.length > 2 ? new Path(args[2]) : null, new Configuration());
    System.out.println("exported " + args[0] + " to " + out);
  }

  /**
   * Exports the checkpoint folder {@code checkpoint} into {@code out} (created; files replaced).
   * Without {@code tokenizerJson}, the checkpoint's own {@code tokenizer.json} goes along when it
   * carries one.
   */
  public static Path export(Path checkpoint, Path out, Path tokenizerJson, Configuration conf) throws IOException {
    Checkpoint.Loaded c = Checkpoint.load(checkpoint, conf);
    Path tok = tokenizerJson != null ? tokenizerJson : Checkpoint.tokenizerFile(checkpoint, conf);
    return export(c.model(), c.weights(), out, tok, conf);
  }

  public static Path export(GptConfig config, Map<String, float[]> weights, Path out, Path tokenizerJson, Configuration conf)
      throws IOException {
    if (!"learned".equals(config.positional())) {
      throw new IllegalArgumentException("cannot export positional=" + config.positional()
          + " to GPT2LMHeadModel: GPT-2 has learned positions only (train with model.positional=learned)");
    }
    if (!config.bias()) {
      throw new IllegalArgumentException("cannot export bias=false to GPT2LMHeadModel: GPT-2 always has biases");
    }
    FileSystem fs = out.getFileSystem(conf);
    fs.mkdirs(out);
    Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
    Gpt.layout(config).forEach((name, shape) -> tensors.put(name, new SafeTensors.Tensor(shape.getShape(), weights.get(name))));
    try (OutputStream o = fs.create(new Path(out, "model.safetensors"), true)) {
      SafeTensors.write(o, tensors, Map.of("format", "pt"));
    }
    try (OutputStream o = fs.create(new Path(out, "config.json"), true)) {
      o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(hfConfig(config)));
    }
    if (tokenizerJson != null) {
      try (InputStream in = tokenizerJson.getFileSystem(conf).open(tokenizerJson);
           OutputStream o = fs.create(new Path(out, "tokenizer.json"), true)) {
        in.transferTo(o);
      }
    }
    return out;
  }

  /** transformers' GPT2Config for this model. GELU is the exact (erf) one, as nanoGPT and DJL use. */
  public static ObjectNode hfConfig(GptConfig c) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("GPT2LMHeadModel");
    n.put("model_type", "gpt2");
    n.put("vocab_size", c.vocabSize());
    n.put("n_positions", c.seqLen());
    n.put("n_ctx", c.seqLen());
    n.put("n_embd", c.dModel());
    n.put("n_layer", c.layers());
    n.put("n_head", c.heads());
    n.put("n_inner", c.mlpRatio() * c.dModel());
    n.put("activation_function", "gelu");
    n.put("resid_pdrop", c.dropout());
    n.put("embd_pdrop", c.dropout());
    n.put("attn_pdrop", c.dropout());
    n.put("layer_norm_epsilon", 1e-5);
    n.put("initializer_range", 0.02);
    n.put("scale_attn_weights", true);
    n.put("tie_word_embeddings", true);
    n.put("torch_dtype", "float32");
    return n;
  }
}
