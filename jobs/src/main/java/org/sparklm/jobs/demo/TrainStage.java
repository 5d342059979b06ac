package org.sparklm.jobs.demo;

import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.jobs.train.TrainJob;
import org.sparklm.model.gpt.GptConfig;

/**
 * Demo stage: a minute of training the {@code tiny} GPT on the ingested documents' text as bytes
 * (until the tokenize stage's shards are in the demo), then the train_metrics table in SQL.
 */
final class TrainStage implements DemoStage {
  @Override
  public String name() {
    return "train";
  }

  @Override
  public String title() {
    return "documents -> GPT checkpoints + train_metrics (tiny model, text as bytes)";
  }

  @Override
  public void run(Context ctx) {
    TrainJobConfig t = ctx.config().train();
    // The demo's own shape unless the config changed it: tiny, 200 short steps, one CPU thread
    // (the demo shares the machine with Spark's threads).
    if (t.equals(TrainJobConfig.DEFAULTS)) {
      t = t.withModel(GptConfig.TINY).withLoop(t.loop().withBatch(16, 16 * 64).withMaxSteps(200).withCheckpointEvery(100)
          .withSchedule(3e-3, 3e-4, 10, 0).withThreads(1).withDevice("cpu"));
    }
    t = new TrainJobConfig(java.util.List.of(ctx.dir("ingest") + "/documents"), ctx.dir(name()), "documents",
        t.validationFraction(), t.validationBatches(), t.workers(), "demo", t.model(), t.loop());
    // a rerun of the demo trains afresh rather than resuming the last demo's finished run
    org.apache.hadoop.fs.Path out = org.sparklm.jobs.common.HadoopPaths.qualify(ctx.dir(name()),
        ctx.spark().sparkContext().hadoopConfiguration());
    try {
      out.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration()).delete(out, true);
    } catch (java.io.IOException e) {
      throw new org.sparklm.jobs.common.JobException("demo: cannot clear " + out + ": " + e.getMessage(), e);
    }
    TrainJob.Result r = TrainJob.run(ctx.spark(), t, ctx.out());
    ctx.out().printf("train: held-out loss %.4f nats/token vs %.4f for the unigram byte model%n", r.summary().valLoss(),
        r.unigramCrossEntropy());
    ctx.sql("Training, every 40 steps", "SELECT step, round(loss, 4) AS loss, round(val_loss, 4) AS val_loss, "
        + "round(grad_norm, 3) AS grad_norm, cast(tokens_per_sec AS INT) AS tokens_per_sec, round(100 * mfu, 1) AS mfu_pct "
        + "FROM train_metrics WHERE run = 'demo' AND (step % 40 = 0 OR val_loss IS NOT NULL) ORDER BY step");
    ctx.sql("The run", "SELECT count(*) AS steps, sum(tokens) AS tokens, sum(CAST(skipped AS INT)) AS skipped, "
        + "round(avg(tokens_per_sec)) AS mean_tokens_per_sec FROM train_metrics WHERE run = 'demo'");
  }
}
