package org.sparklm.jobs.demo;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.jobs.evaluate.EvaluateCommand;
import org.sparklm.jobs.evaluate.EvaluateJob;
import org.sparklm.jobs.report.ReportCommand;
import org.sparklm.jobs.tokenize.DocSplit;
import org.sparklm.jobs.tokenize.DocumentsInput;
import org.sparklm.jobs.tokenize.TokenizeStage;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.data.ShardManifest;

/**
 * Demo stage: every checkpoint of the train stage's run (trained on the BPE shards) against three
 * held-out sets, into the Iceberg tables of the demo's warehouse, then bits per byte by step from
 * SQL: the tokenize stage's {@code heldout/} shards, and two raw-text sets tokenized on the fly
 * with the BPE tokenizer each checkpoint carries: the shipped Brown slice and the crawl documents
 * that tokenize put in {@code heldout/} (the same text as the shards, so the two should agree
 * closely; bits per byte counts UTF-8 bytes of text either way).
 */
final class EvaluateStage implements DemoStage {
  static final String BROWN = "data/eval/brown-slice.jsonl.gz";

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String title() {
    return "every checkpoint x held-out sets (shards and raw text) -> eval_docs, eval_summary (Iceberg)";
  }

  @Override
  public void run(Context ctx) {
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    String out = ctx.dir(name());
    String shards = ctx.dir("tokenize");
    String run = ctx.dir("train");
    ShardManifest m;
    try {
      m = ShardManifest.readDir(shards, conf);
      if (Checkpoint.list(new Path(run, "checkpoints"), conf).isEmpty()) {
        throw new JobException("demo: the train stage left no checkpoint under " + run + "/checkpoints");
      }
    } catch (IOException e) {
      throw new JobException("evaluate stage: needs the tokenize and train stages' outputs: " + e.getMessage(), e);
    }
    // the raw text of the documents whose token rows are in heldout/ (tokenize's split by doc id)
    double val = TokenizeStage.DEMO_VAL;
    double held = TokenizeStage.DEMO_HELDOUT;
    String heldout = out + "/heldout-crawl";
    DocumentsInput.read(ctx.spark(), m.sources(), "evaluate", new java.util.ArrayList<>())
        .select(functions.col("doc_id").as("id"), functions.col("text"))
        .filter((FilterFunction<Row>) r -> !r.isNullAt(0)
            && DocSplit.of(DocSplit.hash(r.getString(0)), val, held) == DocSplit.HELDOUT)
        .coalesce(1).write().mode(SaveMode.Overwrite).parquet(heldout);
    EvalConfig cfg = ctx.config().eval().withInputs(List.of(run), List.of(),
        Map.of("heldout", shards, "brown", DemoCommand.resolve(BROWN), "crawl", heldout), Map.of()).withRunName("demo")
        .withTokensTable(true); // the report's surprise view reads eval_tokens
    EvaluateJob.Result r = EvaluateJob.run(ctx.spark(), cfg, ctx.workDir());
    EvaluateCommand.report(ctx.spark(), r, ctx.config().withStorage(
        new org.sparklm.jobs.config.StorageSettings(ctx.workDir(), ctx.config().storage().tables())), ctx.out(), ctx.err());
    if (!r.failures().isEmpty()) {
      throw new JobException("evaluate stage: " + r.failures().get(0).line());
    }
    ctx.sql("Bits per byte by training step, per held-out set (eval_summary; heldout = tokenize's heldout/ shards, "
        + "crawl = the same documents as raw text)", "SELECT dataset, step, "
        + "round(bits_per_byte, 4) AS bits_per_byte, round(bits_per_byte_se, 4) AS bootstrap_se, tokens, documents "
        + "FROM eval_summary WHERE run = 'demo' AND domain = '*' ORDER BY dataset, step");
    ctx.sql("Brown genres at the last step, hardest first", "SELECT domain, round(bits_per_byte, 4) AS bits_per_byte, "
        + "round(word_perplexity, 1) AS word_ppl, documents FROM eval_summary WHERE run = 'demo' AND dataset = 'brown' "
        + "AND domain <> '*' AND step = (SELECT max(step) FROM eval_summary WHERE run = 'demo') "
        + "ORDER BY bits_per_byte DESC LIMIT 5");
    try {
      var c = ctx.config().withStorage(new org.sparklm.jobs.config.StorageSettings(ctx.workDir(), ctx.config().storage().tables()))
          .withReport(ctx.config().report().withOutput(out + "/report.html"));
      ctx.out().println();
      ctx.out().println("evaluate: report (plots, summary, per-token surprise) " + ReportCommand.write(ctx.spark(), c));
    } catch (IOException e) {
      throw new JobException("evaluate stage: cannot write the report: " + e.getMessage(), e);
    }
  }
}
