package org.sparklm.jobs.train.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.demo.DemoStage;
import org.sparklm.model.data.ShardManifest;

/**
 * Demo stage: the {@code tiny} GPT (with the shards' seq_len and vocabulary) trained for a few
 * dozen steps on the tokenize stage's shards with {@code demo.workers} data-parallel workers
 * ({@code bin/sparklm demo --workers 2}): it starts a local standalone cluster (a Master and one
 * single-core Worker per worker) and submits {@code train --workers N} to it with
 * {@code bin/spark-submit}, as on a real cluster. Prints the per-step time split and the loss
 * curve by SQL over the {@code train_steps} table the job wrote. With one worker (the default)
 * it is skipped: the train stage before it already trained on the driver.
 */
public final class DistTrainStage implements DemoStage {
  /** Demo scale: a few seconds of compute per step on one core; the loss visibly falls. */
  static final int STEPS = 30;
  static final int MICRO_BATCH = 4;

  @Override
  public String name() {
    return "train_dp";
  }

  @Override
  public String title() {
    return "tiny GPT on the token shards, data-parallel on a local standalone cluster (demo --workers N)";
  }

  /**
   * The {@code train} command line the demo submits: the tiny model shaped by the shards'
   * manifest, a short schedule, one thread per worker; every setting under {@code train.*}, as a
   * user would give them.
   */
  static List<String> command(int workers, String shards, String out, ShardManifest m) {
    int seqLen = m.seqLen();
    List<String> app = new ArrayList<>(List.of("train", "--workers", String.valueOf(workers), "--model", "tiny",
        "--input", shards, "--output", out, "--steps", String.valueOf(STEPS), "--device", "cpu"));
    for (String kv : List.of("train.input_format=shards", "train.model.seq_len=" + seqLen,
        "train.model.vocab_size=" + m.tokenizer().paddedVocabSize(), "train.loop.micro_batch=" + MICRO_BATCH,
        "train.loop.tokens_per_step=" + (long) workers * MICRO_BATCH * seqLen, "train.loop.lr=3e-3",
        "train.loop.min_lr=3e-4", "train.loop.warmup_steps=5", "train.loop.decay_steps=" + STEPS,
        "train.loop.threads=1", "train.loop.checkpoint_every=10", "train.loop.log_every=10")) {
      app.add("--set");
      app.add(kv);
    }
    return app;
  }

  @Override
  public void run(Context ctx) {
    int workers = ctx.config().demo().workers();
    if (workers < 2) {
      ctx.out().println("train_dp: skipped; bin/sparklm demo --workers 2 trains data-parallel on the token shards on a "
          + "local standalone cluster and prints the per-step time split");
      return;
    }
    String out = ctx.dir(name());
    String shards = ctx.dir("tokenize");
    org.apache.hadoop.conf.Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    ShardManifest m;
    try {
      m = ShardManifest.readDir(shards, conf);
    } catch (IOException e) {
      throw new JobException("demo: the tokenize stage's shards are not readable: " + e.getMessage(), e);
    }
    ctx.out().println("train: starting a local standalone cluster (1 Master, " + workers + " single-core Workers)");
    try {
      // a rerun of the demo trains afresh rather than resuming the last demo's finished run
      org.apache.hadoop.fs.Path o = org.sparklm.jobs.common.HadoopPaths.qualify(out, conf);
      o.getFileSystem(conf).delete(o, true);
      Path dir = Files.createTempDirectory("sparklm-demo-cluster");
      int code;
      try (LocalStandalone c = LocalStandalone.start(LocalStandalone.checkout(), dir, workers, "1g")) {
        code = c.submit(workers, "1g", command(workers, shards, out, m), ctx.out());
      }
      if (code != 0) {
        throw new JobException("the demo's " + workers + "-worker training failed (exit " + code + "); cluster logs in " + dir);
      }
    } catch (JobException e) {
      throw e;
    } catch (Exception e) {
      throw new JobException("the demo's " + workers + "-worker training could not run: " + e.getMessage(), e);
    }
    ctx.sql("Time per training step (mean over steps 2..end; all-reduce includes the host copies, network is the ring alone)",
        "SELECT workers, count(*) AS steps, CAST(avg(compute_ms) AS DECIMAL(12, 1)) AS compute_ms, "
            + "CAST(avg(all_reduce_ms) AS DECIMAL(12, 1)) AS all_reduce_ms, CAST(avg(network_ms) AS DECIMAL(12, 1)) "
            + "AS network_ms, CAST(avg(optimizer_ms) AS DECIMAL(12, 1)) AS optimizer_ms "
            + "FROM train_dp_train_steps WHERE step > 1 GROUP BY workers");
    ctx.sql("Training loss (nats per token)", "SELECT step, CAST(loss AS DECIMAL(8, 4)) AS loss, "
        + "CAST(grad_norm AS DECIMAL(8, 3)) AS grad_norm, CAST(lr AS DECIMAL(10, 6)) AS lr FROM train_dp_train_steps "
        + "WHERE step = 1 OR step % 10 = 0 ORDER BY step");
  }
}
