package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/** The {@code train-tokenizer} job: documents in, a byte-level BPE {@code tokenizer.json} out. */
public record TrainTokenizerConfig(
    @JsonPropertyDescription("Documents: folders holding a documents/ table (ingest, clean...), documents tables, or .jsonl[.gz] files with id and text; --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: tokenizer.json, tokenizer-info.json and the vocab/ table; --output")
    String output,
    @JsonPropertyDescription("Ids in the vocabulary: 256 bytes + merges + special tokens (the model pads it to a multiple of 64)")
    int vocabSize,
    @JsonPropertyDescription("Special tokens, ids after the merges in this order; the first must be <|endoftext|> (add chat tokens here)")
    List<String> specialTokens,
    @JsonPropertyDescription("Fraction of the documents to train on (a seeded sample)")
    double sampleFraction,
    @JsonPropertyDescription("Seed of the sample")
    long seed,
    @JsonPropertyDescription("Stop merging early when the most frequent pair occurs fewer times than this")
    long minPairCount,
    @JsonPropertyDescription("Pre-tokens longer than this many bytes are left out of training (runs of symbols, base64); they still encode")
    int maxPretokenBytes,
    @JsonPropertyDescription("Most distinct pre-tokens brought to the driver for the merge loop; the most frequent are kept")
    int maxDistinctPretokens,
    @JsonPropertyDescription("Train only on the documents tokenize puts in train/ (by doc_id hash and tokenize.val_fraction, "
        + "tokenize.heldout_fraction), so bytes/token on val and heldout is measured on text the tokenizer never saw")
    boolean trainSplitOnly) {

  // 32768: GPT-2-small-sized models train well with 32k-50k ids (Llama 2 uses 32000); 2^15 keeps
  // the padded size a power of two. min_pair_count 2: a pair seen once teaches nothing (HF's default
  // min_frequency is 0, but such merges only memorise). 4M distinct pre-tokens is ~1 GB on the driver.
  public static final TrainTokenizerConfig DEFAULTS = new TrainTokenizerConfig(List.of(), "work/tokenizer", 32768,
      List.of("<|endoftext|>"), 1.0, 42L, 2L, 128, 4_000_000, true);

  public TrainTokenizerConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    specialTokens = Check.list(specialTokens);
    if (specialTokens.isEmpty() || !specialTokens.get(0).equals("<|endoftext|>")) {
      throw new InvalidValueException("special_tokens", "must start with <|endoftext|>, got " + specialTokens);
    }
    Check.between("vocab_size", vocabSize, 257L + specialTokens.size() - 1, 1 << 20);
    Check.between("sample_fraction", sampleFraction, 1e-9, 1.0);
    Check.atLeast("min_pair_count", minPairCount, 1);
    Check.between("max_pretoken_bytes", maxPretokenBytes, 2, 1 << 16);
    Check.atLeast("max_distinct_pretokens", maxDistinctPretokens, 1);
  }

  public TrainTokenizerConfig withInput(List<String> v) {
    return new TrainTokenizerConfig(v, output, vocabSize, specialTokens, sampleFraction, seed, minPairCount, maxPretokenBytes, maxDistinctPretokens, trainSplitOnly);
  }

  public TrainTokenizerConfig withOutput(String v) {
    return new TrainTokenizerConfig(input, v, vocabSize, specialTokens, sampleFraction, seed, minPairCount, maxPretokenBytes, maxDistinctPretokens, trainSplitOnly);
  }

  public TrainTokenizerConfig withVocabSize(int v) {
    return new TrainTokenizerConfig(input, output, v, specialTokens, sampleFraction, seed, minPairCount, maxPretokenBytes, maxDistinctPretokens, trainSplitOnly);
  }
}
