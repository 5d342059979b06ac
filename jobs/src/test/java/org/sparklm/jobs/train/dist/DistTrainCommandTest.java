package org.sparklm.jobs.train.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;
import org.sparklm.jobs.cluster.LocalCluster;
import org.sparklm.jobs.common.JobException;

/**
 * {@code train} in local mode (one worker, in the test's Spark session): trains, checkpoints,
 * writes its steps table and resumes; and refuses what cannot work with a clear message. The
 * multi-worker paths run on a real standalone cluster in {@link DistributedTrainIT}.
 */
class DistTrainCommandTest {
  @TempDir
  Path dir;

  String[] train(Path out, int steps, String... extra) {
    List<String> a = new ArrayList<>(List.of("train-dp", "--model", "tiny", "--input",
        LocalCluster.repo().resolve("jobs/src/test/resources/text/brown-sample.txt").toString(), "--output", out.toString()));
    for (String kv : List.of("train_dp.max_steps=" + steps, "train_dp.micro_batch=4", "train_dp.tokens_per_step=256",
        "train_dp.threads=1", "train_dp.device=cpu", "train_dp.checkpoint_every=3", "train_dp.warmup_steps=2", "train_dp.lr=3e-3",
        "train_dp.min_lr=3e-4", "train_dp.decay_steps=100", "train_dp.log_every=1")) {
      a.add("--set");
      a.add(kv);
    }
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void oneWorkerTrainsCheckpointsAndResumes() throws Exception {
    Path out = dir.resolve("run");
    SparkTests.Cli first = SparkTests.cli(train(out, 4, "--workers", "1"));
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(first.out().contains("train: done in attempt 1: steps 0..4 on 1 worker"), first.out());
    assertTrue(first.out().contains("train: time per step (mean of 3): compute "), first.out());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-3")) && Files.isDirectory(out.resolve("checkpoints/step-4")));
    assertEquals("1", Files.readString(out.resolve("checkpoints/_workers")).strip());
    List<Row> steps = SparkTests.session().read().parquet(out.resolve("train_steps").toString()).orderBy("step").collectAsList();
    assertEquals(4, steps.size());
    assertEquals(1L, steps.get(0).getLong(steps.get(0).fieldIndex("step")));
    double firstLoss = steps.get(0).getDouble(steps.get(0).fieldIndex("loss"));
    assertEquals(Math.log(256), firstLoss, 0.2, "an untrained byte model is near-uniform");

    SparkTests.Cli more = SparkTests.cli(train(out, 6, "--workers", "1"));
    assertEquals(0, more.code(), more.out() + more.err());
    assertTrue(more.err().contains("resuming from file:" + out.resolve("checkpoints/step-4")), more.err());
    assertTrue(more.out().contains("train: done in attempt 1: steps 4..6 on 1 worker"), more.out());
    assertEquals(2, SparkTests.session().read().parquet(out.resolve("train_steps").toString()).count(),
        "the table holds this run's steps");
  }

  @Test
  void severalWorkersInLocalModeAreRefusedWithTheReason() {
    SparkTests.Cli c = SparkTests.cli(train(dir.resolve("two"), 2, "--workers", "2"));
    assertEquals(1, c.code());
    assertTrue(c.firstErrLine().startsWith("sparklm train-dp: error: --workers 2 needs one executor JVM per worker"),
        c.err());
    assertFalse(Files.exists(dir.resolve("two/checkpoints/step-1")));
  }

  /** {@code train --workers N} (the trainer's command) hands N > 1 to the data-parallel job. */
  @Test
  void trainWithSeveralWorkersIsTheDataParallelJob() {
    SparkTests.Cli c = SparkTests.cli("train", "--workers", "2", "--model", "tiny", "--input",
        LocalCluster.repo().resolve("jobs/src/test/resources/text/brown-sample.txt").toString(),
        "--output", dir.resolve("via-train").toString());
    assertEquals(1, c.code());
    assertTrue(c.firstErrLine().startsWith("sparklm train: error: --workers 2 needs one executor JVM per worker"), c.err());
  }

  @Test
  void aGlobalBatchThatDoesNotSplitOverTheWorkersNamesTheSetting() {
    SparkTests.Cli c = SparkTests.cli(train(dir.resolve("odd"), 2, "--workers", "1", "--set", "train_dp.tokens_per_step=300"));
    assertEquals(1, c.code());
    assertTrue(c.firstErrLine().startsWith("sparklm train-dp: error: train_dp.tokens_per_step: with 1 workers must be a "
        + "multiple of workers x micro_batch x seq_len = 1 x 4 x 64 = 256, got 300"), c.err());
  }

  @Test
  void checkpointsOfAnotherWorldSizeAreNotResumed() throws Exception {
    org.apache.hadoop.fs.Path ck = new org.apache.hadoop.fs.Path(dir.resolve("ck").toUri());
    DistributedTrainJob.checkWorld(ck, 2, new Configuration());
    DistributedTrainJob.checkWorld(ck, 2, new Configuration());
    JobException e = assertThrows(JobException.class, () -> DistributedTrainJob.checkWorld(ck, 4, new Configuration()));
    assertTrue(e.getMessage().contains("were trained with 2 workers; resume with --workers 2"), e.getMessage());
  }

  @Test
  void onlyFailuresThatMayPassOnASecondTryAreRetried() {
    SparkException lost = new SparkException("Job aborted due to stage failure: Could not recover from a failed barrier "
        + "ResultStage. Most recent failure reason: Stage failed because barrier task ResultTask(0, 0) finished "
        + "unsuccessfully.\nExecutorLostFailure (executor 0 exited caused by one of the running tasks) Reason: Command "
        + "exited with code 137\n\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(X.scala:1)\n");
    assertTrue(DistributedTrainJob.retryable(lost));
    assertEquals("Job aborted due to stage failure: Could not recover from a failed barrier ResultStage. Most recent "
        + "failure reason: Stage failed because barrier task ResultTask(0, 0) finished unsuccessfully. "
        + "ExecutorLostFailure (executor 0 exited caused by one of the running tasks) Reason: Command exited with code 137",
        DistributedTrainJob.rootMessage(lost));
    assertFalse(DistributedTrainJob.retryable(new SparkException("Job aborted: ... "
        + "org.sparklm.model.train.Trainer$TrainingDivergedException: training stopped at step 7")));
    assertFalse(DistributedTrainJob.retryable(new SparkException("x", new IllegalStateException(
        "ranks 0 and 1 both run in executor 3 on h: each worker needs its own executor JVM"))));
  }

  @Test
  void aTaskTrainsOnTheGpuSparkAssignedItElseOnTheCpu() {
    assertEquals(Device.cpu(), RankTask.device(Map.of(), "auto"));
    assertEquals(Device.cpu(), RankTask.device(Map.of("gpu", new ResourceInformation("gpu", new String[0])), "auto"));
    // this host's libtorch is the CPU build: asking for the assigned GPU 1 must say so, not fall back silently
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankTask.device(Map.of("gpu", new ResourceInformation("gpu", new String[] {"1"})), "auto"));
    assertTrue(e.getMessage().startsWith("device gpu1 asked for, but libtorch sees 0 GPU(s)"), e.getMessage());
    assertEquals(Device.cpu(), RankTask.device(Map.of("gpu", new ResourceInformation("gpu", new String[] {"1"})), "cpu"));
  }
}
