package org.sparklm.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.model.gpt.GptConfig;

class TrainJobTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("TrainJobTest").config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static TrainJobConfig config(Path input, Path output, long steps) {
    SparklmConfig c = SparklmConfig.load(null, List.of("train.loop.micro_batch=4", "train.loop.tokens_per_step=256",
        "train.loop.checkpoint_every=10", "train.loop.threads=1", "train.loop.device=cpu", "train.loop.warmup_steps=5",
        "train.loop.lr=0.003", "train.validation_batches=2"));
    return c.train().withModel(GptConfig.TINY).withInput(List.of(input.toString())).withOutput(output.toString())
        .withLoop(c.train().loop().withMaxSteps(steps));
  }

  @Test
  void trainsOnTextWritesCheckpointsAndMetricsAndResumes() throws Exception {
    Path input = tmp.resolve("in");
    Files.createDirectories(input);
    Files.copy(TrainJobTest.class.getResourceAsStream("/text/brown-head.txt"), input.resolve("brown.txt"));
    Path out = tmp.resolve("run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainJob.Result r = TrainJob.run(spark, config(input, out, 20), new PrintStream(log, true));
    assertEquals(20, r.metricRows());
    assertTrue(Files.isDirectory(out.resolve("checkpoints/step-20")));
    assertTrue(r.unigramCrossEntropy() > 2.5 && r.unigramCrossEntropy() < 3.5, "bytes of English: " + r.unigramCrossEntropy());
    assertTrue(r.summary().valLoss() < Math.log(256), "held-out loss " + r.summary().valLoss());
    assertTrue(log.toString().contains("train: step 20/20 | loss"), log.toString());

    // the run folder exports through the CLI (its latest checkpoint)
    assertEquals(0, org.sparklm.jobs.Main.run("export", "--checkpoint", out.toString(), "--output", tmp.resolve("hf").toString()));
    assertTrue(Files.readString(tmp.resolve("hf/config.json")).contains("\"n_layer\" : 2"));
    assertTrue(Files.size(tmp.resolve("hf/model.safetensors")) > 4 * GptConfig.TINY.parameterCount());
    assertEquals(1, org.sparklm.jobs.Main.run("export", "--checkpoint", input.toString(), "--output", tmp.resolve("x").toString()));

    TrainJob.Result more = TrainJob.run(spark, config(input, out, 30), new PrintStream(log, true));
    assertEquals(20, more.summary().startStep());
    assertEquals(30, more.metricRows(), "each step once in train_metrics after the resume");
    assertEquals(30, spark.read().parquet(out.resolve("train_metrics").toString()).selectExpr("max(step)").first().getLong(0));
  }

  @Test
  void trainsOnADocumentsTable() throws Exception {
    String text = new String(TrainJobTest.class.getResourceAsStream("/text/brown-head.txt").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    String[] paragraphs = text.split("\n\n");
    for (int i = 0; i < paragraphs.length; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(String.format("d%04d", i), paragraphs[i]));
    }
    rows.add(org.apache.spark.sql.RowFactory.create("null-text", null));
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("doc_id", "string").add("text", "string");
    Path docs = tmp.resolve("documents");
    spark.createDataFrame(rows, schema).write().parquet(docs.toString());
    TrainJobConfig cfg = config(docs, tmp.resolve("run"), 5);
    cfg = new TrainJobConfig(cfg.input(), cfg.output(), "documents", cfg.validationFraction(), cfg.validationBatches(),
        1, "docs", cfg.model(), cfg.loop());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainJob.Result r = TrainJob.run(spark, cfg, new PrintStream(log, true));
    assertEquals(5, r.metricRows());
    assertTrue(log.toString().contains(paragraphs.length + " documents"), log.toString());
  }

  @Test
  void tooLittleTextSaysWhatToChange() throws Exception {
    Path input = Files.writeString(tmp.resolve("short.txt"), "far too short");
    JobException e = org.junit.jupiter.api.Assertions.assertThrows(JobException.class,
        () -> TrainJob.run(spark, config(input, tmp.resolve("o"), 5), new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("lower train.model.seq_len"), e.getMessage());
  }

  /** The tokenize job's shards in, the model shaped by their manifest; a shape that does not fit fails first. */
  @Test
  void trainsOnTheTokenizeJobsShards() throws Exception {
    String text = new String(TrainJobTest.class.getResourceAsStream("/text/brown-head.txt").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    String[] paragraphs = text.split("\n\n");
    for (int i = 0; i < paragraphs.length; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(String.format("d%04d", i), paragraphs[i]));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("doc_id", "string").add("text", "string");
    String docs = tmp.resolve("docs").toString();
    spark.createDataFrame(rows, schema).write().parquet(docs + "/documents");
    String tok = tmp.resolve("tokenizer").toString();
    org.sparklm.jobs.tokenize.TrainTokenizerJob.run(spark, org.sparklm.jobs.config.TrainTokenizerConfig.DEFAULTS
        .withInput(List.of(docs)).withOutput(tok).withVocabSize(512), 0.1, 0.1);
    String shards = tmp.resolve("tokens").toString();
    org.sparklm.jobs.tokenize.TokenizeJob.run(spark, org.sparklm.jobs.config.TokenizeConfig.DEFAULTS
        .withInput(List.of(docs)).withSeqLen(32).withSplitFractions(0.1, 0.1).withOutput(shards), tok);

    TrainJobConfig cfg = config(Path.of(shards), tmp.resolve("run"), 10);
    TrainJobConfig shardCfg = new TrainJobConfig(cfg.input(), cfg.output(), "shards", cfg.validationFraction(),
        cfg.validationBatches(), 1, "shards", GptConfig.TINY.withVocabSize(512).withSeqLen(32), cfg.loop());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainJob.Result r = TrainJob.run(spark, shardCfg, new PrintStream(log, true));
    assertEquals(10, r.metricRows());
    assertTrue(r.summary().valLoss() < Math.log(512), "held-out loss " + r.summary().valLoss());
    assertTrue(log.toString().contains("token shards"), log.toString());

    TrainJobConfig wrong = new TrainJobConfig(cfg.input(), tmp.resolve("run2").toString(), "shards", cfg.validationFraction(),
        cfg.validationBatches(), 1, "shards", GptConfig.TINY.withVocabSize(512), cfg.loop());
    JobException e = org.junit.jupiter.api.Assertions.assertThrows(JobException.class,
        () -> TrainJob.run(spark, wrong, new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("set train.model.seq_len=32"), e.getMessage());
  }
}
