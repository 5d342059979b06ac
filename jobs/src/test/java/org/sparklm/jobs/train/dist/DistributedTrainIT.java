package org.sparklm.jobs.train.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.cluster.LocalCluster;
import org.sparklm.model.checkpoint.Checkpoint;

/**
 * {@code train --workers N} on token shards, submitted with {@code bin/spark-submit} to a real
 * standalone cluster (a Master and two Workers on 127.0.0.1, one single-core executor JVM each).
 * The shards ({@link ByteShards}: a text's bytes as ids, three shards of odd row counts) make
 * the two ranks' slices cross shard boundaries mid-step.
 *
 * <p>One uninterrupted reference run of the one-worker job ({@code train --workers 1}, the loop
 * on the driver), micro-batch 8 for 100 steps, is compared with (a) 2 workers x micro-batch 4
 * for 20 steps: the same global batches in the same order, so the same losses and weights at
 * step 20 within float tolerance; (b) 2 workers x 4 for 100 steps whose executor on Worker 1 is
 * killed after the step-10 checkpoint: the driver retries, the retry resumes from a checkpoint,
 * and the run ends where the reference did. The learning-rate schedule has a fixed
 * {@code decay_steps}, so a 20-step run is a prefix of a 100-step one.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedTrainIT {
  static final Pattern STEP = Pattern.compile("train: step (\\d+)/\\d+ loss (\\S+) ");
  static final Duration TIMEOUT = Duration.ofMinutes(4);
  /** Long enough that the kill after the step-10 checkpoint lands mid-run even on an idle machine. */
  static final int STEPS = 100;

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static Path shards;
  static LocalCluster.Submission reference;
  /** The uninterrupted 2-worker run's losses (test 1): the fault run must repeat them exactly. */
  static Map<Integer, Double> twoWorkers;

  @BeforeAll
  static void start() throws Exception {
    shards = ByteShards.write(LocalCluster.repo().resolve("jobs/src/test/resources/text/brown-sample.txt"),
        dir.resolve("tokens"), 64);
    cluster = LocalCluster.start(dir.resolve("cluster"), 2, 1, "1g");
    reference = train(1, 8, STEPS, dir.resolve("ref"));
    assertEquals(0, reference.code(), "reference run failed:\n" + reference.out() + reference.err());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static LocalCluster.Submission train(int workers, int microBatch, int steps, Path out) throws Exception {
    List<String> spark = List.of("--class", "org.sparklm.jobs.Main",
        "--conf", "spark.executor.cores=1", "--conf", "spark.task.cpus=1",
        "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2");
    List<String> app = new ArrayList<>(List.of("train", "--workers", String.valueOf(workers), "--model", "tiny",
        "--input", shards.toString(), "--output", out.toString(), "--steps", String.valueOf(steps), "--device", "cpu"));
    for (String kv : List.of("train.input_format=shards", "train.validation_batches=1",
        "train.loop.micro_batch=" + microBatch, "train.loop.tokens_per_step=512", "train.loop.lr=3e-3",
        "train.loop.min_lr=3e-4", "train.loop.warmup_steps=5", "train.loop.decay_steps=" + STEPS, "train.loop.threads=1",
        "train.loop.log_every=1", "train.loop.checkpoint_every=10", "distributed.checksum_every=5",
        "distributed.connect_timeout_s=30", "distributed.io_timeout_s=60")) {
      app.add("--set");
      app.add(kv);
    }
    return cluster.submit(spark, app, TIMEOUT);
  }

  static Map<Integer, Double> losses(String out) {
    Map<Integer, Double> m = new java.util.TreeMap<>();
    Matcher x = STEP.matcher(out);
    while (x.find()) {
      m.put(Integer.parseInt(x.group(1)), Double.parseDouble(x.group(2)));
    }
    return m;
  }

  /** The one-worker job's losses, from its train_metrics table (its log rounds them to 4 places). */
  static Map<Integer, Double> referenceLosses() throws Exception {
    Map<Integer, Double> m = new java.util.TreeMap<>();
    try (var files = Files.list(dir.resolve("ref/train_metrics"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> r =
                 org.apache.parquet.hadoop.ParquetReader.builder(new org.apache.parquet.hadoop.example.GroupReadSupport(),
                     new org.apache.hadoop.fs.Path(f.toUri())).withConf(new Configuration()).build()) {
          for (org.apache.parquet.example.data.Group g = r.read(); g != null; g = r.read()) {
            m.put((int) g.getLong("step", 0), g.getDouble("loss", 0));
          }
        }
      }
    }
    assertEquals(STEPS, m.size(), "the reference's train_metrics: " + m.keySet());
    return m;
  }

  static Map<String, float[]> weights(Path out, int step) throws Exception {
    return Checkpoint.load(new org.apache.hadoop.fs.Path(out.resolve("checkpoints/step-" + step).toUri()),
        new Configuration()).weights();
  }

  /** ||a - b|| / ||a|| over all parameters together. */
  static double relativeDiff(Map<String, float[]> a, Map<String, float[]> b) {
    assertEquals(a.keySet(), b.keySet());
    double d = 0;
    double n = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k);
      float[] y = b.get(k);
      for (int i = 0; i < x.length; i++) {
        d += (double) (x[i] - y[i]) * (x[i] - y[i]);
        n += (double) x[i] * x[i];
      }
    }
    return Math.sqrt(d / n);
  }

  static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
    assertEquals(a.keySet(), b.keySet());
    double max = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k);
      float[] y = b.get(k);
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }

  @Test
  @Order(1)
  void twoWorkersWithHalfTheBatchTrainLikeOneWorker() throws Exception {
    Path out = dir.resolve("two");
    LocalCluster.Submission two = train(2, 4, 20, out);
    assertEquals(0, two.code(), "2-worker run failed:\n" + two.out() + two.err());
    assertTrue(two.out().contains("train: 2 workers on spark://"), two.out());
    assertTrue(two.out().contains("replicas identical: parameter checksum"), two.out());
    assertTrue(two.out().matches("(?s).*all-reduce \\d+\\.\\d ms \\(network .*"), two.out());
    // each rank really ran in its own executor: both Workers' executors ran a rank
    String logs = executorLogs();
    assertTrue(logs.contains("train: rank 0 of 2 in executor") && logs.contains("train: rank 1 of 2 in executor"), logs);

    Map<Integer, Double> ref = referenceLosses();
    Map<Integer, Double> got = losses(two.out());
    twoWorkers = got;
    assertTrue(two.out().contains("data token shards file:" + shards.resolve("train")), two.out());
    assertEquals(ByteShards.SHA256, Checkpoint.load(new org.apache.hadoop.fs.Path(out.resolve("checkpoints/step-20").toUri()),
        new Configuration()).tokenizerHash());
    assertEquals(20, got.size(), two.out());
    for (int s = 1; s <= 20; s++) {
      // 1e-3: float noise (two partial sums instead of one) compounds over 20 steps; a wrong data
      // split or update moves the loss by 1e-2 and more
      assertEquals(ref.get(s), got.get(s), 1e-3, "loss at step " + s + "\nreference: " + ref + "\n2 workers: " + got);
    }
    assertTrue(got.get(20) < got.get(1) - 0.3, "the model learns: " + got);
    // Parameters: the summed gradients differ in their last bits (two partial sums instead of
    // one), and Adam turns a near-zero gradient's noise into an update of up to lr (3e-3 here) in
    // either direction, so single elements may differ by a few lr; the weights as a whole must not.
    Map<String, float[]> refW = weights(dir.resolve("ref"), 20);
    Map<String, float[]> twoW = weights(out, 20);
    double rel = relativeDiff(refW, twoW);
    double max = maxDiff(refW, twoW);
    assertTrue(rel < 1e-3, "weights after 20 steps differ by " + rel + " (relative L2; largest element " + max + ")");
    assertTrue(max < 2e-2, "weights after 20 steps differ by up to " + max + " in one element (relative L2 " + rel + ")");
  }

  @Test
  @Order(2)
  void killingAnExecutorMidTrainingResumesFromTheLastCheckpointAndFinishes() throws Exception {
    Path out = dir.resolve("fault");
    CompletableFuture<LocalCluster.Submission> run = CompletableFuture.supplyAsync(() -> {
      try {
        return train(2, 4, STEPS, out);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Path first = out.resolve("checkpoints/step-10/state.json");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(first) && !run.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(first), "no step-10 checkpoint appeared");
    assertTrue(!Files.exists(out.resolve("checkpoints/step-" + STEPS)), "the run finished before the kill: make it longer");
    long pid = cluster.killExecutor(1);
    LocalCluster.Submission s = run.get();
    String all = s.out() + s.err();
    assertEquals(0, s.code(), "faulted run failed (executor " + pid + " killed):\n" + all);
    assertTrue(s.out().contains("train: attempt 1 of 3 failed: "), s.out());
    Matcher resumed = Pattern.compile("train: attempt 2 resumes from the latest checkpoint \\(\\S+/step-(\\d+)\\)").matcher(s.out());
    assertTrue(resumed.find(), s.out());
    int from = Integer.parseInt(resumed.group(1));
    assertTrue(from >= 10 && from < STEPS, "resumed from step " + from);
    assertTrue(s.out().contains("train: done in attempt 2: steps " + from + ".." + STEPS + " on 2 workers"), s.out());

    Map<Integer, Double> ref = referenceLosses();
    Map<Integer, Double> got = losses(s.out());
    // the reference is the one-worker job, 1 x 8: its sums are taken in another order than 2 x 4's,
    // and the differences (1e-6 per step) compound over 100 steps of a chaotic optimization:
    // 2.0e-3 apart typically, once 0.037 (CI run of 2026-11-26), the size libtorch's rare last-bit
    // noise or one skipped non-finite step grows to. So the end is checked loosely here and the
    // resume exactly below, against the same world size.
    System.out.printf("fault run: resumed from step %d, final loss %.6f, one-worker reference %.6f%n", from,
        got.get(STEPS), ref.get(STEPS));
    assertEquals(ref.get(STEPS), got.get(STEPS), 0.1, "final loss of the resumed run vs the uninterrupted reference");
    // the resume itself is exact: the steps after the resume point repeat test 1's uninterrupted
    // 2-worker run (same world, batches, schedule) up to libtorch's rare last-bit noise, not 0.037
    if (twoWorkers != null) {
      double max = 0;
      for (int step = from + 1; step <= 20; step++) {
        max = Math.max(max, Math.abs(twoWorkers.get(step) - got.get(step)));
      }
      System.out.printf("fault run: steps %d..20 differ from the uninterrupted 2-worker run's by at most %.2e%n", from + 1,
          max);
      for (int step = from + 1; step <= 20; step++) {
        assertEquals(twoWorkers.get(step), got.get(step), 1e-3, "loss at step " + step + " after resuming from step "
            + from + "\nuninterrupted: " + twoWorkers + "\nresumed: " + got);
      }
    }
  }

  static String executorLogs() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int w = 0; w < 2; w++) {
      for (Path p : cluster.executorLogs(w)) {
        b.append(Files.readString(p));
      }
    }
    return b.toString();
  }
}
