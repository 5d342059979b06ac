package org.sparklm.jobs.train.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import org.sparklm.jobs.config.DistributedConfig;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.gpt.GptConfig;

/**
 * The data-parallel job with one rank in local mode (in the test's Spark session), on text and
 * on token shards: trains, checkpoints, writes its steps table, resumes exactly, reads shards in
 * the one-worker job's order; and refuses what cannot work with a clear message. The
 * multi-worker paths run on a real standalone cluster in {@link DistributedTrainIT}.
 */
class DistributedTrainJobTest {
  @TempDir
  Path dir;

  static String brown() {
    return LocalCluster.repo().resolve("jobs/src/test/resources/text/brown-sample.txt").toString();
  }

  /** train.* as a user sets them: tiny model, 4 x 64 per step, one thread, a checkpoint every 3 steps. */
  static TrainJobConfig config(String format, String input, Path out, long steps, String... extra) {
    return config(format, input, out, steps, GptConfig.TINY, extra);
  }

  static TrainJobConfig config(String format, String input, Path out, long steps, GptConfig model, String... extra) {
    List<String> kv = new ArrayList<>(List.of("train.input_format=" + format, "train.loop.max_steps=" + steps,
        "train.loop.micro_batch=4", "train.loop.tokens_per_step=256", "train.loop.threads=1", "train.loop.device=cpu",
        "train.loop.checkpoint_every=3", "train.loop.warmup_steps=2", "train.loop.lr=3e-3", "train.loop.min_lr=3e-4",
        "train.loop.decay_steps=100", "train.loop.log_every=1"));
    kv.addAll(List.of(extra));
    TrainJobConfig t = SparklmConfig.load(null, kv).train();
    return t.withInput(List.of(input)).withOutput(out.toString()).withModel(model);
  }

  static String log;

  static DistributedTrainJob.Result run(TrainJobConfig t) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      return DistributedTrainJob.run(SparkTests.session(), t, DistributedConfig.DEFAULTS, new PrintStream(b, true));
    } finally {
      log = b.toString();
    }
  }

  static List<Double> losses(Path out) {
    List<Double> l = new ArrayList<>();
    for (Row r : SparkTests.session().read().parquet(out.resolve("train_steps").toString()).orderBy("step").collectAsList()) {
      l.add(r.getDouble(r.fieldIndex("loss")));
    }
    return l;
  }

  @Test
  void oneWorkerTrainsCheckpointsAndResumes() throws Exception {
    Path out = dir.resolve("run");
    run(config("text", brown(), out, 4));
    assertTrue(log.contains("train: done in attempt 1: steps 0..4 on 1 worker"), log);
    assertTrue(log.contains("train: time per step (mean of 3): compute "), log);
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-3")) && Files.isDirectory(out.resolve("checkpoints/step-4")));
    assertEquals("1", Files.readString(out.resolve("checkpoints/_workers")).strip());
    List<Double> steps = losses(out);
    assertEquals(4, steps.size());
    assertEquals(Math.log(256), steps.get(0), 0.2, "an untrained byte model is near-uniform");
    assertEquals("bytes-utf8", Checkpoint.load(ckpt(out, 4), new Configuration()).tokenizerHash());

    run(config("text", brown(), out, 6));
    assertTrue(log.contains("train: done in attempt 1: steps 4..6 on 1 worker"), log);
    assertEquals(2, losses(out).size(), "the table holds this run's steps");
  }

  static org.apache.hadoop.fs.Path ckpt(Path out, int step) {
    return new org.apache.hadoop.fs.Path(out.resolve("checkpoints/step-" + step).toUri());
  }

  /**
   * Token shards: the rank reads the one-worker job's rows in its order (same losses as
   * {@code train --workers 1}), and the checkpoints record the manifest's tokenizer hash.
   */
  @Test
  void onShardsOneRankTrainsLikeTheOneWorkerJob() throws Exception {
    Path shards = ByteShards.write(Path.of(brown()), dir.resolve("tokens"), 64);
    Path dp = dir.resolve("dp");
    run(config("shards", shards.toString(), dp, 5));
    assertTrue(log.contains("data token shards file:" + shards.resolve("train")), log);
    assertEquals(ByteShards.SHA256, Checkpoint.load(ckpt(dp, 5), new Configuration()).tokenizerHash());
    assertArrayEquals(ByteShards.TOKENIZER_JSON, Files.readAllBytes(dp.resolve("checkpoints/step-5/tokenizer.json")),
        "the checkpoint carries the shards' tokenizer, as the one-worker job's do");

    Path one = dir.resolve("one");
    org.sparklm.jobs.train.TrainJob.run(SparkTests.session(), config("shards", shards.toString(), one, 5),
        new PrintStream(new ByteArrayOutputStream()));
    List<Double> ref = new ArrayList<>();
    for (Row r : SparkTests.session().read().parquet(one.resolve("train_metrics").toString()).orderBy("step").collectAsList()) {
      ref.add(r.getDouble(r.fieldIndex("loss")));
    }
    List<Double> got = losses(dp);
    assertEquals(5, got.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(ref.get(i), got.get(i), 1e-5, "loss at step " + (i + 1) + ": one-worker job " + ref + ", rank " + got);
    }
    assertEquals(ByteShards.SHA256, Checkpoint.load(ckpt(one, 5), new Configuration()).tokenizerHash());
    assertTrue(Files.exists(one.resolve("checkpoints/step-5/tokenizer.json")));
  }

  /**
   * The resume path is exact: 3 steps, then 3 more from the step-3 checkpoint, give bit for bit
   * the losses and weights of 6 uninterrupted steps; with dropout on (its masks are a function of
   * seed and step), the shards' cursor, AdamW's step count and the schedule's position restored.
   */
  static final GptConfig DROPOUT = GptConfig.TINY.withDropout(0.1);

  @Test
  void aResumedRunContinuesBitForBit() throws Exception {
    Path shards = ByteShards.write(Path.of(brown()), dir.resolve("tokens"), 64);
    Path straight = dir.resolve("straight");
    run(config("shards", shards.toString(), straight, 6, DROPOUT));
    List<Double> ref = losses(straight);
    Path resumed = dir.resolve("resumed");
    run(config("shards", shards.toString(), resumed, 3, DROPOUT));
    run(config("shards", shards.toString(), resumed, 6, DROPOUT));
    assertTrue(log.contains("train: done in attempt 1: steps 3..6 on 1 worker"), log);
    assertEquals(ref.subList(3, 6), losses(resumed));
    Map<String, float[]> a = Checkpoint.load(ckpt(straight, 6), new Configuration()).weights();
    Map<String, float[]> b = Checkpoint.load(ckpt(resumed, 6), new Configuration()).weights();
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), k);
    }
  }

  /** The demo's 2-worker command line sets valid train.* keys, the model shaped by the manifest. */
  @Test
  void theDemoCommandIsATrainCommandLineShapedByTheManifest() throws Exception {
    Path shards = ByteShards.write(Path.of(brown()), dir.resolve("tokens"), 64);
    org.sparklm.model.data.ShardManifest m = org.sparklm.model.data.ShardManifest.readDir(shards.toString(),
        new Configuration());
    List<String> app = DistTrainStage.command(2, shards.toString(), dir.resolve("out").toString(), m);
    assertEquals(List.of("train", "--workers", "2", "--model", "tiny"), app.subList(0, 5));
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < app.size(); i++) {
      if (app.get(i).equals("--set")) {
        sets.add(app.get(i + 1));
      }
    }
    TrainJobConfig t = SparklmConfig.load(null, sets).train();
    assertEquals("shards", t.inputFormat());
    assertEquals(64, t.model().seqLen());
    assertEquals(256, t.model().vocabSize());
    org.sparklm.model.dist.DistributedWorker.perRank(t.loop(), 64, 2); // the global batch splits over 2 workers
  }

  @Test
  void dataThatDoesNotFitIsRefusedBeforeTraining() throws Exception {
    Path shards = ByteShards.write(Path.of(brown()), dir.resolve("tokens"), 64);
    TrainJobConfig shortRows = config("shards", shards.toString(), dir.resolve("a"), 2);
    JobException e = assertThrows(JobException.class, () -> run(shortRows.withModel(GptConfig.TINY.withSeqLen(32))));
    assertTrue(e.getMessage().contains("set train.model.seq_len=64"), e.getMessage());
    e = assertThrows(JobException.class, () -> run(config("documents", dir.toString(), dir.resolve("b"), 2)));
    assertTrue(e.getMessage().startsWith("train: --workers 1 reads token shards (train.input_format=shards"), e.getMessage());
    e = assertThrows(JobException.class, () -> run(config("text", brown(), dir.resolve("c"), 2)
        .withModel(GptConfig.TINY.withVocabSize(128))));
    assertTrue(e.getMessage().contains("set train.model.vocab_size=256"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("a/checkpoints")));
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
    JobException e = assertThrows(JobException.class, () -> run(config("text", brown(), dir.resolve("odd"), 2,
        "train.loop.tokens_per_step=300")));
    assertTrue(e.getMessage().startsWith("train: the config cannot train on 1 worker: key 'train.loop.tokens_per_step' "
        + "with 1 workers must be a multiple of workers x micro_batch x seq_len = 1 x 4 x 64 = 256, got 300"), e.getMessage());
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
