package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/**
 * The {@code tokenize} job: documents in, packed token rows out as Parquet shards under
 * {@code train/}, {@code val/} and {@code heldout/}, with a {@code manifest.json}. The tokenizer
 * is {@code tokenizer.path}.
 */
public record TokenizeConfig(
    @JsonPropertyDescription("Documents: folders holding a documents/ table (ingest, clean...), documents tables, or .jsonl[.gz] files with id and text; --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: train/, val/, heldout/ shards, manifest.json and the splits/ table; --output")
    String output,
    @JsonPropertyDescription("Tokens a training sequence sees; each row holds seq_len + 1 ids (inputs and shifted targets)")
    int seqLen,
    @JsonPropertyDescription("Fraction of documents (by a hash of doc_id) in val/")
    double valFraction,
    @JsonPropertyDescription("Fraction of documents (by a hash of doc_id) in heldout/, never used in training or validation")
    double heldoutFraction,
    @JsonPropertyDescription("Seed of the row shuffle")
    long seed,
    @JsonPropertyDescription("Target size of a shard in bytes of ids (4 per id, before compression); fixes rows per shard")
    long shardTargetBytes,
    @JsonPropertyDescription("Groups the documents of a split are packed in, in parallel; part of the output's identity, "
        + "so changing it changes the shards")
    int packGroups) {

  // seq_len 1024: GPT-2's context. 1% val and 1% heldout: about 1M tokens each from a 100M-token
  // corpus, enough for a stable loss; small splits still get whole documents. 64 MiB shards: a
  // reader holds one in memory, and a few hundred make 10B tokens. 16 pack groups: parallel enough
  // for a few executors; each leaves at most one partial row, repacked on the driver.
  public static final TokenizeConfig DEFAULTS = new TokenizeConfig(List.of(), "work/tokens", 1024, 0.01, 0.01, 42L,
      64L << 20, 16);

  public TokenizeConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.between("seq_len", seqLen, 1, 1 << 20);
    Check.between("val_fraction", valFraction, 0.0, 1.0);
    Check.between("heldout_fraction", heldoutFraction, 0.0, 1.0);
    if (valFraction + heldoutFraction > 1.0) {
      throw new InvalidValueException("heldout_fraction", "val_fraction + heldout_fraction must be <= 1, got "
          + (valFraction + heldoutFraction));
    }
    Check.between("shard_target_bytes", shardTargetBytes, 4, 1L << 31);
    Check.between("pack_groups", packGroups, 1, 1 << 16);
  }

  public TokenizeConfig withInput(List<String> v) {
    return new TokenizeConfig(v, output, seqLen, valFraction, heldoutFraction, seed, shardTargetBytes, packGroups);
  }

  public TokenizeConfig withOutput(String v) {
    return new TokenizeConfig(input, v, seqLen, valFraction, heldoutFraction, seed, shardTargetBytes, packGroups);
  }

  public TokenizeConfig withSeqLen(int v) {
    return new TokenizeConfig(input, output, v, valFraction, heldoutFraction, seed, shardTargetBytes, packGroups);
  }

  public TokenizeConfig withSplitFractions(double val, double heldout) {
    return new TokenizeConfig(input, output, seqLen, val, heldout, seed, shardTargetBytes, packGroups);
  }

  public TokenizeConfig withPackGroups(int v) {
    return new TokenizeConfig(input, output, seqLen, valFraction, heldoutFraction, seed, shardTargetBytes, v);
  }

  public TokenizeConfig withShardTargetBytes(long v) {
    return new TokenizeConfig(input, output, seqLen, valFraction, heldoutFraction, seed, v, packGroups);
  }
}
