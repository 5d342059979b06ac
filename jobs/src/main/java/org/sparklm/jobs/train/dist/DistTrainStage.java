package org.sparklm.jobs.train.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.DistributedConfig;
import org.sparklm.jobs.demo.DemoStage;
import org.sparklm.model.train.TrainConfig;

/**
 * Demo stage: the {@code tiny} GPT trained for a few dozen steps on the ingested documents' text
 * with {@code distributed.workers} data-parallel workers. One worker runs in the demo's own
 * session; more start a local standalone cluster (a Master and one single-core Worker per worker)
 * and submit {@code train} to it with {@code bin/spark-submit}, as on a real cluster:
 * {@code bin/sparklm demo --set distributed.workers=2}. Prints the per-step time split and the
 * loss curve by SQL over the {@code train_steps} table the job wrote.
 */
public final class DistTrainStage implements DemoStage {
  /** Demo scale: a few seconds of compute on one core; the loss visibly falls. */
  static final int STEPS = 30;
  static final int MICRO_BATCH = 8;
  static final long TOKENS_PER_STEP = 2L * MICRO_BATCH * 64;

  @Override
  public String name() {
    return "train_dp";
  }

  @Override
  public String title() {
    return "tiny GPT on the documents' text, data-parallel (distributed.workers)";
  }

  /** The demo's training settings: the config's train section scaled down to the tiny model. */
  static TrainConfig demoTrain(TrainConfig t) {
    return t.withMaxSteps(STEPS).withBatch(MICRO_BATCH, TOKENS_PER_STEP).withSchedule(3e-3, 3e-4, 5, STEPS)
        .withThreads(1).withCheckpointEvery(10);
  }

  @Override
  public void run(Context ctx) {
    DistributedConfig d = ctx.config().distributed();
    int workers = d.workers();
    if (workers < 2) {
      // the train stage before this one already trained on the driver
      ctx.out().println("train_dp: skipped; bin/sparklm demo --set distributed.workers=2 trains data-parallel on a local "
          + "standalone cluster and prints the per-step time split");
      return;
    }
    String out = ctx.dir(name());
    String text = out + "/_text"; // "_": not a table for the SQL views
    // the ingested documents' text, one file: training input is text read as bytes
    ctx.spark().read().parquet(ctx.dir("ingest") + "/documents").select("text").coalesce(1)
        .write().mode("overwrite").text(text);
    TrainConfig train = demoTrain(ctx.config().trainDp());
    if (workers == 1) {
      DistributedTrainJob.run(ctx.spark(), d.withWorkers(1).withInput(List.of(text)).withOutput(out).withModel("tiny"),
          train, ctx.out());
    } else {
      List<String> app = new ArrayList<>(List.of("train-dp", "--workers", String.valueOf(workers), "--model", "tiny",
          "--input", text, "--output", out));
      for (String kv : List.of("train_dp.max_steps=" + train.maxSteps(), "train_dp.micro_batch=" + train.microBatch(),
          "train_dp.tokens_per_step=" + train.tokensPerStep(), "train_dp.lr=" + train.lr(), "train_dp.min_lr=" + train.minLr(),
          "train_dp.warmup_steps=" + train.warmupSteps(), "train_dp.decay_steps=" + train.decaySteps(), "train_dp.threads=1",
          "train_dp.device=" + train.device(), "train_dp.checkpoint_every=" + train.checkpointEvery(),
          "train_dp.log_every=" + STEPS)) {
        app.add("--set");
        app.add(kv);
      }
      ctx.out().println("train: starting a local standalone cluster (1 Master, " + workers + " single-core Workers)");
      try {
        Path dir = Files.createTempDirectory("sparklm-demo-cluster");
        int code;
        try (LocalStandalone c = LocalStandalone.start(LocalStandalone.checkout(), dir, workers, "1g")) {
          code = c.submit(workers, "1g", app, ctx.out());
        }
        if (code != 0) {
          throw new JobException("the demo's " + workers + "-worker training failed (exit " + code + "); cluster logs in " + dir);
        }
      } catch (JobException e) {
        throw e;
      } catch (Exception e) {
        throw new JobException("the demo's " + workers + "-worker training could not run: " + e.getMessage(), e);
      }
    }
    ctx.sql("Time per training step (mean over steps 2..end; all-reduce includes the host copies, network is the ring alone)",
        "SELECT workers, count(*) AS steps, CAST(avg(compute_ms) AS DECIMAL(12, 1)) AS compute_ms, "
            + "CAST(avg(all_reduce_ms) AS DECIMAL(12, 1)) AS all_reduce_ms, CAST(avg(network_ms) AS DECIMAL(12, 1)) "
            + "AS network_ms, CAST(avg(optimizer_ms) AS DECIMAL(12, 1)) AS optimizer_ms "
            + "FROM train_dp_train_steps WHERE step > 1 GROUP BY workers");
    ctx.sql("Training loss (nats per byte)", "SELECT step, CAST(loss AS DECIMAL(8, 4)) AS loss, "
        + "CAST(grad_norm AS DECIMAL(8, 3)) AS grad_norm, CAST(lr AS DECIMAL(10, 6)) AS lr FROM train_dp_train_steps WHERE step = 1 OR step % 10 = 0 ORDER BY step");
  }
}
