package org.sparklm.model.gpt;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/**
 * The shape of a GPT model (nanoGPT's {@code GPTConfig}). Every field is checked here, and
 * {@link #checkFits} checks it against the data before any training starts, so a config that
 * cannot work fails at once with a message saying what to change.
 */
public record GptConfig(
    @JsonPropertyDescription("Vocabulary size (token ids are in [0, vocab_size)); the tokenizer's padded vocab size")
    int vocabSize,
    @JsonPropertyDescription("Longest context in tokens; the data's rows must be at least this long")
    int seqLen,
    @JsonPropertyDescription("Width of the residual stream (GPT-2 small: 768)")
    int dModel,
    @JsonPropertyDescription("Attention heads per layer; must divide d_model")
    int heads,
    @JsonPropertyDescription("Number of transformer blocks")
    int layers,
    @JsonPropertyDescription("Hidden width of the MLP as a multiple of d_model (GPT-2: 4)")
    int mlpRatio,
    @JsonPropertyDescription("Dropout probability on attention weights and residual branches while training (0 for pretraining)")
    double dropout,
    @JsonPropertyDescription("Position encoding: learned (GPT-2's wpe table, exportable to Hugging Face) or sinusoidal (Vaswani et al., no parameters)")
    String positional,
    @JsonPropertyDescription("Share the LM head's weights with the token embedding (GPT-2 does)")
    boolean tiedHead,
    @JsonPropertyDescription("Bias vectors in the linear layers and LayerNorms (GPT-2 has them)")
    boolean bias) {

  public static final List<String> POSITIONALS = List.of("learned", "sinusoidal");

  /** For tests: trains in well under a second per step on a laptop core. */
  public static final GptConfig TINY = new GptConfig(256, 64, 64, 4, 2, 4, 0.0, "learned", true, true);
  /** About 10M parameters: a few minutes on two CPU cores already learns real structure. */
  public static final GptConfig SMALL = new GptConfig(8192, 256, 256, 8, 8, 4, 0.0, "learned", true, true);
  /** GPT-2 small (124M parameters) exactly: loads into Hugging Face's GPT2LMHeadModel. */
  public static final GptConfig GPT2_124M = new GptConfig(50257, 1024, 768, 12, 12, 4, 0.0, "learned", true, true);

  /** The default model is {@code small}: the one that trains in minutes on this project's CPUs. */
  public static final GptConfig DEFAULTS = SMALL;

  public static final Map<String, GptConfig> PRESETS = Map.of("tiny", TINY, "small", SMALL, "gpt2-124m", GPT2_124M);

  public GptConfig {
    Check.between("vocab_size", vocabSize, 2, 1 << 24);
    Check.between("seq_len", seqLen, 1, 1 << 16);
    Check.between("d_model", dModel, 1, 1 << 16);
    Check.between("heads", heads, 1, 1024);
    Check.between("layers", layers, 1, 1024);
    Check.between("mlp_ratio", mlpRatio, 1, 64);
    Check.between("dropout", dropout, 0.0, 0.9);
    Check.oneOf("positional", positional, POSITIONALS);
    if (dModel % heads != 0) {
      int lower = heads;
      while (dModel % lower != 0) {
        lower--;
      }
      throw new InvalidValueException("heads", "must divide d_model=" + dModel + " (each head gets d_model/heads "
          + "dimensions); got " + heads + ": use heads=" + lower + " or a d_model that is a multiple of " + heads);
    }
    if (!tiedHead) {
      // One code path for the head keeps the model file small; every preset and GPT-2 tie it.
      throw new InvalidValueException("tied_head", "only true is supported (the LM head shares the token embedding, as in GPT-2)");
    }
  }

  /** A preset by name ({@code tiny}, {@code small}, {@code gpt2-124m}). */
  public static GptConfig preset(String name) {
    GptConfig c = PRESETS.get(name);
    if (c == null) {
      throw new IllegalArgumentException("unknown model preset '" + name + "'; known: " + new java.util.TreeSet<>(PRESETS.keySet()));
    }
    return c;
  }

  public int headDim() {
    return dModel / heads;
  }

  /**
   * Checks the model against the data it will train on, before any training starts.
   *
   * @throws InvalidValueException naming the key to change
   */
  public void checkFits(int dataSeqLen, int dataVocabSize) {
    if (seqLen > dataSeqLen) {
      throw new InvalidValueException("seq_len", "is " + seqLen + " but the training rows hold only " + dataSeqLen
          + " tokens (+1 target): set seq_len <= " + dataSeqLen + " or re-tokenize with a longer seq_len");
    }
    if (dataVocabSize > vocabSize) {
      throw new InvalidValueException("vocab_size", "is " + vocabSize + " but the tokenizer has " + dataVocabSize
          + " ids: set vocab_size >= " + dataVocabSize + " (a multiple of 64 is fastest)");
    }
  }

  /** Parameters, counting the tied head once (nanoGPT's {@code get_num_params(non_embedding=False)}). */
  public long parameterCount() {
    long d = dModel;
    long hidden = (long) mlpRatio * d;
    long b = bias ? 1 : 0;
    long perLayer = 2 * (d + b * d)             // ln_1, ln_2
        + d * 3 * d + b * 3 * d                 // c_attn
        + d * d + b * d                         // attn c_proj
        + d * hidden + b * hidden               // c_fc
        + hidden * d + b * d;                   // mlp c_proj
    long positions = "learned".equals(positional) ? (long) seqLen * d : 0;
    return (long) vocabSize * d + positions + layers * perLayer + d + b * d;
  }

  /**
   * Training FLOPs per token: 6 per matmul weight (forward 2, backward 4) over the non-embedding
   * weights and the head, plus attention's QK^T and AV (PaLM appendix B: 6·L·T·d for the
   * full T×T matmuls, which is what we compute even under the causal mask).
   */
  public double flopsPerToken() {
    long d = dModel;
    long matmulWeights = (long) layers * ((long) d * 3 * d + d * d + 2L * mlpRatio * d * d) + (long) vocabSize * d;
    return 6.0 * matmulWeights + 6.0 * layers * seqLen * d;
  }

  public GptConfig withVocabSize(int v) {
    return new GptConfig(v, seqLen, dModel, heads, layers, mlpRatio, dropout, positional, tiedHead, bias);
  }

  public GptConfig withSeqLen(int v) {
    return new GptConfig(vocabSize, v, dModel, heads, layers, mlpRatio, dropout, positional, tiedHead, bias);
  }

  public GptConfig withDropout(double v) {
    return new GptConfig(vocabSize, seqLen, dModel, heads, layers, mlpRatio, v, positional, tiedHead, bias);
  }

  public GptConfig withPositional(String v) {
    return new GptConfig(vocabSize, seqLen, dModel, heads, layers, mlpRatio, dropout, v, tiedHead, bias);
  }
}
