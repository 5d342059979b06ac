package org.sparklm.jobs.demo;

import java.io.IOException;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.jobs.train.TrainJob;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.gpt.GptConfig;

/**
 * Demo stage: a minute of training the {@code tiny} GPT on the tokenize stage's shards (its
 * {@code train/} split, the validation loss on {@code val/}), the model's vocabulary and context
 * taken from the shards' manifest; every checkpoint carries the BPE tokenizer. Then the
 * train_metrics table in SQL.
 */
final class TrainStage implements DemoStage {
  /**
   * The demo's scale: its cleaned crawl is small (~8k training tokens), so 90 steps of 1024 tokens
   * are ~12 passes, about where the validation loss stops falling; 3 checkpoints to evaluate.
   */
  static final int STEPS = 90;
  static final int CHECKPOINT_EVERY = 30;
  static final int MICRO_BATCH = 4;

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String title() {
    return "token shards -> GPT checkpoints + train_metrics (tiny model on the BPE shards)";
  }

  @Override
  public void run(Context ctx) {
    var conf = ctx.spark().sparkContext().hadoopConfiguration();
    String shards = ctx.dir("tokenize");
    ShardManifest m;
    try {
      m = ShardManifest.readDir(shards, conf);
    } catch (IOException e) {
      throw new JobException("demo: the train stage needs the tokenize stage's shards: " + e.getMessage(), e);
    }
    TrainJobConfig t = ctx.config().train();
    // The demo's own shape unless the config changed it: tiny, with the shards' vocabulary and
    // context, 90 short steps, one CPU thread (the demo shares the machine with Spark's threads).
    int validationBatches = t.validationBatches();
    if (t.equals(TrainJobConfig.DEFAULTS)) {
      validationBatches = 5; // 5 x 4 rows of the val split: a stable enough loss, quickly
      t = t.withModel(GptConfig.TINY.withVocabSize(m.tokenizer().paddedVocabSize()).withSeqLen(m.seqLen()))
          .withLoop(t.loop().withBatch(MICRO_BATCH, (long) MICRO_BATCH * m.seqLen()).withMaxSteps(STEPS)
              .withCheckpointEvery(CHECKPOINT_EVERY).withSchedule(3e-3, 3e-4, 10, 0).withThreads(1).withDevice("cpu"));
    }
    t = new TrainJobConfig(java.util.List.of(shards), ctx.dir(name()), "shards", t.validationFraction(),
        validationBatches, t.workers(), "demo", t.model(), t.loop());
    // a rerun of the demo trains afresh rather than resuming the last demo's finished run
    org.apache.hadoop.fs.Path out = org.sparklm.jobs.common.HadoopPaths.qualify(ctx.dir(name()), conf);
    try {
      out.getFileSystem(conf).delete(out, true);
    } catch (IOException e) {
      throw new JobException("demo: cannot clear " + out + ": " + e.getMessage(), e);
    }
    TrainJob.Result r = TrainJob.run(ctx.spark(), t, ctx.out());
    ctx.out().printf("train: held-out loss %.4f nats/token vs %.4f for the unigram model of the tokens%n",
        r.summary().valLoss(), r.unigramCrossEntropy());
    ctx.sql("Training, every 15 steps", "SELECT step, round(loss, 4) AS loss, round(val_loss, 4) AS val_loss, "
        + "round(grad_norm, 3) AS grad_norm, cast(tokens_per_sec AS INT) AS tokens_per_sec, round(100 * mfu, 1) AS mfu_pct "
        + "FROM train_metrics WHERE run = 'demo' AND (step % 15 = 0 OR val_loss IS NOT NULL) ORDER BY step");
    ctx.sql("The run", "SELECT count(*) AS steps, sum(tokens) AS tokens, sum(CAST(skipped AS INT)) AS skipped, "
        + "round(avg(tokens_per_sec)) AS mean_tokens_per_sec FROM train_metrics WHERE run = 'demo'");
  }
}
