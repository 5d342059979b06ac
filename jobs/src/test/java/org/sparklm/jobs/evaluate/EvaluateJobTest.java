package org.sparklm.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;

/** The evaluate command end to end: real checkpoints, real datasets, real Iceberg tables. */
class EvaluateJobTest {
  @TempDir
  static Path tmp;
  static Path run;
  static Path brown;
  static Path shards;
  static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTests.session();
    run = EvalFixtures.trainedRun(tmp.resolve("runs/brown-tiny"));
    brown = EvalFixtures.brownJsonl(tmp.resolve("data"));
    shards = EvalFixtures.shards(spark, tmp.resolve("tokens"), "bytes-utf8", 6);
  }

  static SparkTests.Cli evaluate(Path warehouse, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--warehouse", warehouse.toString(),
        "--set", "eval.bootstrap_samples=50"));
    args.addAll(List.of(more));
    return SparkTests.cli(args.toArray(String[]::new));
  }

  static List<Row> sql(Path warehouse, String query) {
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", warehouse.toString(), "--format", "csv", query);
    assertEquals(0, r.code(), r.err());
    return spark.sql(query).collectAsList();
  }

  @Test
  void everyCheckpointOnTextAndShardsLandsInTablesThatSqlAndPlainParquetAgreeOn() throws Exception {
    Path wh = tmp.resolve("wh1");
    SparkTests.Cli r = evaluate(wh, "--run", run.toString(), "--dataset", "brown=" + brown, "--dataset", "shards=" + shards);
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("evaluate: 3 checkpoint(s) x 21 document(s)"), r.out());
    assertTrue(r.out().contains("| brown-tiny | brown   |    4 |"), r.out());

    // bin/sparklm sql finds the tables by name
    List<Row> docs = sql(wh, "SELECT step, dataset, count(*) AS n, sum(tokens) AS t, sum(bytes) AS b FROM eval_docs "
        + "GROUP BY step, dataset ORDER BY step, dataset");
    assertEquals(6, docs.size());
    long brownBytes = 0;
    for (String line : EvalFixtures.brownText().lines().toList()) {
      String text = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("text").asText();
      brownBytes += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - 1; // the first byte is context
    }
    for (Row d : docs) {
      if (d.getString(1).equals("brown")) {
        assertEquals(15, d.getLong(2));
        assertEquals(brownBytes, d.getLong(3), "every byte after each document's first is scored once");
      } else {
        assertEquals(6, d.getLong(2));
        assertEquals(6 * 64, d.getLong(3), "each shard row: 64 targets after its first id");
      }
      assertEquals(d.getLong(3), d.getLong(4), "byte-level: one byte per token");
    }
    // per-genre rows and the whole-dataset row (*) for Brown, only * for the shards (no domains)
    List<Row> summary = sql(wh, "SELECT step, dataset, domain, bits_per_byte, bits_per_byte_se, sum_logprob, bytes "
        + "FROM eval_summary ORDER BY dataset, domain, step");
    assertEquals(3 * (16 + 1), summary.size());
    Map<String, Double> bpb = new HashMap<>();
    for (Row s : summary) {
      double expected = -s.getDouble(5) / (Math.log(2) * s.getLong(6));
      assertEquals(expected, s.getDouble(3), 1e-12);
      bpb.put(s.getString(1) + "/" + s.getString(2) + "/" + s.getLong(0), s.getDouble(3));
      if (s.getString(2).equals("*") && s.getString(1).equals("brown")) {
        assertTrue(s.getDouble(4) > 0 && s.getDouble(4) < 0.5, "bootstrap SE over 15 documents: " + s.getDouble(4));
      }
    }
    assertTrue(bpb.get("brown/*/12") < bpb.get("brown/*/4"), "training lowers bits per byte: " + bpb);

    // a second engine: the current data files from Iceberg's metadata, read with parquet-hadoop
    Map<String, double[]> fromFiles = plainParquetSums(wh);
    for (Row s : summary) {
      if (s.getString(2).equals("*")) {
        double[] f = fromFiles.get(s.getString(1) + "/" + s.getLong(0));
        assertEquals(s.getDouble(5), f[0], 1e-6, "sum log-prob");
        assertEquals(s.getLong(6), (long) f[1], "bytes");
        assertEquals(s.getDouble(3), -f[0] / (Math.log(2) * f[1]), 1e-9, "bits per byte");
      }
    }

    // a rerun replaces its (run, step, dataset) rows: no duplicates
    String mc = System.getProperty("sparklm.repo.root", "..") + "/data/eval/tasks/mc-basic.jsonl";
    SparkTests.Cli again = evaluate(wh, "--run", run.toString(), "--dataset", "brown=" + brown, "--task", "mc=" + mc);
    assertEquals(0, again.code(), again.err());
    List<Row> tasks = sql(wh, "SELECT step, items, correct, acc, acc_norm FROM eval_tasks ORDER BY step");
    assertEquals(3, tasks.size());
    for (Row t : tasks) {
      assertEquals(30L, t.getLong(1), "every hand-made item scored");
      assertEquals(t.getLong(2) / 30.0, t.getDouble(3), 1e-12);
    }
    assertEquals(3 * 21L, sql(wh, "SELECT count(*) FROM eval_docs").get(0).getLong(0));
    assertEquals(3 * 21L, plainParquetSums(wh).values().stream().mapToLong(v -> (long) v[2]).sum(),
        "the replaced files are no longer current in Iceberg's metadata");
  }

  /** Sum log-prob, bytes and document count per dataset/step from the current Parquet files. */
  static Map<String, double[]> plainParquetSums(Path wh) throws Exception {
    Map<String, double[]> out = new HashMap<>();
    try (JdbcCatalog catalog = new JdbcCatalog()) {
      catalog.setConf(new Configuration());
      catalog.initialize("sparklm", Map.of("uri", "jdbc:sqlite:" + wh.resolve("iceberg/catalog.sqlite"),
          "jdbc.schema-version", "V1", "warehouse", wh.resolve("iceberg").toUri().toString()));
      Table t = catalog.loadTable(TableIdentifier.of("eval", "eval_docs"));
      try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
              new org.apache.hadoop.fs.Path(task.file().location())).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
              double[] v = out.computeIfAbsent(g.getString("dataset", 0) + "/" + g.getLong("step", 0), k -> new double[3]);
              v[0] += g.getDouble("sum_logprob", 0);
              v[1] += g.getLong("bytes", 0);
              v[2] += 1;
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void aTokenizerMismatchIsRefusedAndTheOtherDatasetStillLands() throws Exception {
    Path wh = tmp.resolve("wh2");
    Path bpe = EvalFixtures.shards(spark, tmp.resolve("bpe-tokens"), "bpe-8192-3f2a", 2);
    SparkTests.Cli r = evaluate(wh, "--checkpoint", run.resolve("checkpoints/step-12").toString(),
        "--dataset", "bpe=" + bpe, "--dataset", "brown=" + brown);
    assertEquals(1, r.code(), r.out());
    assertTrue(r.firstErrLine().contains("tokenizer_mismatch") && r.firstErrLine().contains("bpe-8192-3f2a"), r.err());
    assertTrue(r.err().contains("re-tokenize the dataset with the checkpoint's tokenizer"), r.err());
    List<Row> rows = sql(wh, "SELECT dataset, count(*) FROM eval_docs GROUP BY dataset");
    assertEquals(1, rows.size());
    assertEquals("brown", rows.get(0).getString(0));
  }

  @Test
  void aCorruptCheckpointFailsAloneAndTokensTableHoldsEveryScoredToken() throws Exception {
    Path wh = tmp.resolve("wh3");
    Path copy = tmp.resolve("runs/corrupt");
    for (String s : List.of("step-4", "step-8")) {
      Path from = run.resolve("checkpoints").resolve(s);
      Path to = copy.resolve("checkpoints").resolve(s);
      Files.createDirectories(to);
      try (var files = Files.list(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    Path model = copy.resolve("checkpoints/step-8/model.safetensors");
    byte[] b = Files.readAllBytes(model);
    Files.write(model, java.util.Arrays.copyOf(b, b.length / 3));
    SparkTests.Cli r = evaluate(wh, "--run", copy.toString(), "--dataset", "brown=" + brown, "--tokens-table",
        "--window", "strided", "--stride", "48");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.firstErrLine().contains("step-8") && r.firstErrLine().contains("checkpoint_unreadable"), r.err());
    List<Row> steps = sql(wh, "SELECT step, window_policy, count(*), sum(tokens) FROM eval_docs GROUP BY step, window_policy");
    assertEquals(1, steps.size(), "only the readable checkpoint landed");
    assertEquals(4L, steps.get(0).getLong(0));
    assertEquals("strided-48", steps.get(0).getString(1));
    Row tok = sql(wh, "SELECT count(*), count(DISTINCT doc_id, position), sum(logprob) FROM eval_tokens").get(0);
    assertEquals(steps.get(0).getLong(3), tok.getLong(0), "one eval_tokens row per scored token");
    assertEquals(tok.getLong(0), tok.getLong(1), "each position once");
    double docSum = sql(wh, "SELECT sum(sum_logprob) FROM eval_docs").get(0).getDouble(0);
    assertEquals(docSum, tok.getDouble(2), 1e-3);

    // the report over these tables: plots, summary, and the tokens of a document coloured by surprise
    Path html = tmp.resolve("report.html");
    SparkTests.Cli rep = SparkTests.cli("report", "--warehouse", wh.toString(), "--output", html.toString());
    assertEquals(0, rep.code(), rep.err());
    String page = Files.readString(html);
    assertTrue(page.contains("brown: bits per byte") && page.contains("<polyline"), "plot");
    assertTrue(page.contains("<h3>brown / "), "a surprise view of a Brown document");
    assertTrue(page.split("<span style=\"background:#ff", -1).length > 100, "tokens coloured one by one");
  }
}
