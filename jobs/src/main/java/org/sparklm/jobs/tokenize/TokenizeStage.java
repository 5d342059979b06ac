package org.sparklm.jobs.tokenize;

import org.sparklm.jobs.demo.DemoStage;
import org.sparklm.udfs.sql.SparklmUdfs;

/** Demo stage: the latest documents encoded with the demo's tokenizer into packed shards. */
public final class TokenizeStage implements DemoStage {
  /** Short rows and small shards so the small demo corpus still fills every split and shows several shards. */
  static final int DEMO_SEQ_LEN = 256;
  static final long DEMO_SHARD_BYTES = 1L << 20;
  /** 5% each: a few pages of the 83; the tokenizer stage leaves them out of its training text. */
  public static final double DEMO_VAL = 0.05;
  public static final double DEMO_HELDOUT = 0.05;
  /** 83 pages need no more: fewer, bigger tasks on 2 cores. */
  static final int DEMO_PACK_GROUPS = 4;

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String title() {
    return "documents -> packed token rows (seq_len " + DEMO_SEQ_LEN + ") in Parquet shards: train/, val/, heldout/";
  }

  @Override
  public void run(Context ctx) {
    String docs = TrainTokenizerStage.documentsBefore(ctx, name());
    String tokenizer = ctx.dir("train-tokenizer");
    TokenizeJob.Result r = TokenizeJob.run(ctx.spark(), ctx.config().tokenize().withInput(java.util.List.of(docs))
        .withOutput(ctx.dir(name())).withSeqLen(DEMO_SEQ_LEN).withSplitFractions(DEMO_VAL, DEMO_HELDOUT)
        .withShardTargetBytes(DEMO_SHARD_BYTES).withPackGroups(DEMO_PACK_GROUPS), tokenizer);
    TokenizeCommand.report(r, ctx.out());
    ctx.sql("Splits (bytes/token on each split's text; the tokenizer saw only train's)", "SELECT split, documents, tokens, rows, shards, dropped_tokens, "
        + "round(text_bytes / tokens, 3) AS bytes_per_token, vocab_size FROM tokenize_splits "
        + "ORDER BY CASE split WHEN 'train' THEN 0 WHEN 'val' THEN 1 ELSE 2 END");
    ctx.sql("The train shards themselves", "SELECT count(*) AS rows, sum(n) AS tokens, min(n) AS row_len, count(DISTINCT f) AS files "
        + "FROM (SELECT size(tokens) AS n, input_file_name() AS f FROM tokenize_train)");
    SparklmUdfs.registerAll(ctx.spark(), tokenizer);
    ctx.sql("SQL functions with this tokenizer: a heldout row decoded, and tokens per document",
        "SELECT replace(sparklm_detokenize(slice(tokens, 1, 16)), '\\n', '\\\\n') AS first_16_ids_of_a_heldout_row, "
            + "(SELECT sum(sparklm_count_tokens(text)) FROM parquet.`" + docs + "/documents`) AS all_documents_tokens "
            + "FROM tokenize_heldout LIMIT 2");
  }
}
