package org.sparklm.jobs.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.jobs.evaluate.EvaluateCommand;
import org.sparklm.jobs.evaluate.EvaluateJob;
import org.sparklm.jobs.evaluate.QuickRun;
import org.sparklm.jobs.report.ReportCommand;
import org.sparklm.model.checkpoint.Checkpoint;

/**
 * Demo stage: every checkpoint of the demo's training run against two held-out sets (the shipped
 * Brown slice, and crawl documents kept out of training), into the Iceberg tables of the demo's
 * warehouse, then bits per byte by step from SQL.
 *
 * <p>The run is the {@code train} stage's ({@code <work>/train/checkpoints/step-N/}) when that
 * stage exists; until it does, this stage trains the {@code tiny} byte-level model for
 * {@link #STEPS} steps itself, with the trainer API, on the ingested crawl text (documents whose
 * id hashes into the held-out fifth are never trained on).
 */
final class EvaluateStage implements DemoStage {
  static final int STEPS = 40;
  static final int EVERY = 10;
  static final String BROWN = "data/eval/brown-slice.jsonl.gz";

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String title() {
    return "every checkpoint x held-out sets -> eval_docs, eval_summary (Iceberg)";
  }

  @Override
  public void run(Context ctx) {
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    String out = ctx.dir(name());
    Dataset<Row> docs = ctx.spark().read().parquet(ctx.dir("ingest") + "/documents")
        .select(functions.col("doc_id").as("id"), functions.col("text"))
        .withColumn("heldout", functions.pmod(functions.hash(functions.col("id")), functions.lit(5)).equalTo(0));
    String heldout = out + "/heldout-crawl";
    docs.where("heldout AND length(text) BETWEEN 200 AND 12000").orderBy("id").limit(12).drop("heldout")
        .coalesce(1).write().mode(SaveMode.Overwrite).parquet(heldout);
    String run;
    try {
      Path trainRun = new Path(ctx.dir("train"));
      if (!Checkpoint.list(new Path(trainRun, "checkpoints"), conf).isEmpty()) {
        run = trainRun.toString();
        ctx.out().println("evaluate: the train stage's checkpoints under " + run);
      } else {
        run = out + "/run-tiny";
        StringBuilder text = new StringBuilder();
        for (Row r : docs.where("NOT heldout").orderBy("id").select("text").collectAsList()) {
          text.append(r.getString(0)).append("\n\n");
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        ctx.out().printf("evaluate: no train stage yet: training the tiny byte model %d steps on %d bytes of crawl text "
            + "(a checkpoint every %d) into %s%n", STEPS, utf8.length, EVERY, run);
        org.apache.hadoop.fs.FileSystem fs = new Path(run).getFileSystem(conf);
        fs.delete(new Path(run), true);
        QuickRun.train(QuickRun.bytes(text.toString()), new Path(run), STEPS, EVERY, 1337, conf);
      }
    } catch (IOException e) {
      throw new JobException("evaluate stage: cannot make or list the training run: " + e.getMessage(), e);
    }
    EvalConfig cfg = ctx.config().eval().withInputs(List.of(run), List.of(),
        Map.of("brown", DemoCommand.resolve(BROWN), "crawl", heldout), Map.of()).withRunName("demo")
        .withTokensTable(true); // the report's surprise view reads eval_tokens
    EvaluateJob.Result r = EvaluateJob.run(ctx.spark(), cfg, ctx.workDir());
    EvaluateCommand.report(ctx.spark(), r, ctx.config().withStorage(
        new org.sparklm.jobs.config.StorageSettings(ctx.workDir(), ctx.config().storage().tables())), ctx.out(), ctx.err());
    if (!r.failures().isEmpty()) {
      throw new JobException("evaluate stage: " + r.failures().get(0).line());
    }
    ctx.sql("Bits per byte by training step, per held-out set (eval_summary)", "SELECT dataset, step, "
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
