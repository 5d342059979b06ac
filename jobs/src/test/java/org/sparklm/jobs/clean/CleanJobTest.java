package org.sparklm.jobs.clean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.CleanConfig;
import org.sparklm.jobs.config.IngestConfig;
import org.sparklm.jobs.ingest.IngestJob;

/** ingest then clean on the dev-crawl sample, 24 pages in 8 other languages and hand-made edge cases. */
class CleanJobTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Map<String, String> expected;
  static CleanJob.Result result;
  static Path out;

  @BeforeAll
  static void run() throws Exception {
    long t0 = System.nanoTime();
    spark = CrawlFixture.spark();
    expected = CrawlFixture.write(tmp.resolve("crawl"));
    long t1 = System.nanoTime();
    IngestJob.run(spark, IngestConfig.DEFAULTS.withInput(List.of(tmp.resolve("crawl").toString()))
        .withOutput(tmp.resolve("ingest").toString()));
    out = tmp.resolve("clean");
    long t2 = System.nanoTime();
    result = CleanJob.run(spark, CleanConfig.DEFAULTS.withInput(List.of(tmp.resolve("ingest").toString())).withOutput(out.toString()));
    System.out.printf("CleanJobTest setup: session+crawl %.1f s, ingest %.1f s, clean %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (System.nanoTime() - t2) / 1e9);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyEdgeCaseEndsWhereItShould() {
    Map<String, String> actual = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("dropped").toString()).select("url", "rule", "detail").collectAsList()) {
      actual.put(r.getString(0), r.getString(1).equals("language") ? "language:" + r.getString(2) : r.getString(1));
    }
    for (Row r : spark.read().parquet(out.resolve("documents").toString()).select("url").collectAsList()) {
      actual.put(r.getString(0), "kept");
    }
    for (Row r : spark.read().parquet(tmp.resolve("ingest/rejects").toString()).select("url", "reason").collectAsList()) {
      if (r.getString(0) != null) {
        actual.put(r.getString(0), "reject:" + r.getString(1));
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        wrong.add(e.getKey() + ": expected " + e.getValue() + ", got " + actual.get(e.getKey()));
      }
    }
    // the language pages may miss by at most 5% (the acceptance bar); the hand-made cases must all be right
    long wrongLanguage = wrong.stream().filter(w -> w.contains("/multilingual/")).count();
    assertTrue(wrongLanguage <= 1, wrong.toString());
    assertEquals(wrongLanguage, wrong.size(), wrong.toString());
  }

  @Test
  void cutFileKeepsItsWholeRecordsAndRejectsTheCutOne() {
    List<Row> docs = spark.read().parquet(tmp.resolve("ingest/documents").toString())
        .where("source.file LIKE '%cut.warc.gz'").orderBy("url").select("url").collectAsList();
    assertEquals(List.of("http://cut.test/ck01", "http://cut.test/cl01"), docs.stream().map(r -> r.getString(0)).toList());
    List<Row> rejects = spark.read().parquet(tmp.resolve("ingest/rejects").toString())
        .where("source.file LIKE '%cut.warc.gz'").select("reason").collectAsList();
    assertEquals(1, rejects.size());
    assertEquals("truncated", rejects.get(0).getString(0));
  }

  @Test
  void pythonDocsAreEnglishAndKeptOnesAreCleanAndRedacted() {
    List<Row> langs = spark.sql("SELECT language, count(*) FROM parquet.`" + out.resolve("documents") + "` GROUP BY language").collectAsList();
    assertEquals(1, langs.size());
    assertEquals("en", langs.get(0).getString(0));
    long pyDocs = spark.read().parquet(out.resolve("documents").toString()).where("url LIKE 'http://127.0.0.1%'").count();
    assertTrue(pyDocs >= 5, "Python doc pages kept: " + pyDocs);
    // every dropped Python page was dropped by a quality rule, never for its language
    long pyWrongLang = spark.read().parquet(out.resolve("dropped").toString())
        .where("url LIKE 'http://127.0.0.1%' AND rule IN ('language', 'language_score')").count();
    assertTrue(pyWrongLang <= 0.05 * 83, "Python pages dropped as not English: " + pyWrongLang);
    Row pii = spark.read().parquet(out.resolve("documents").toString()).where("url = 'http://edge.test/pii'").first();
    String text = pii.getString(pii.fieldIndex("text"));
    assertTrue(text.contains("at <EMAIL_ADDRESS> or reach our server at <IP_ADDRESS> any day."), text);
    Row cp = spark.read().parquet(out.resolve("documents").toString()).where("url = 'http://edge.test/windows-1252'").first();
    assertTrue(cp.getString(cp.fieldIndex("text")).contains("\u201cno evidence\u201d \u2014"));
    assertEquals("windows-1252", cp.getString(cp.fieldIndex("charset")));
  }

  @Test
  void statsAddUpAndNameTheMeasuredValues() {
    Row totals = spark.sql("SELECT sum(documents), sum(bytes) FROM parquet.`" + out.resolve("filter_stats") + "`").first();
    Row dropped = spark.sql("SELECT count(*), sum(text_bytes) FROM parquet.`" + out.resolve("dropped") + "`").first();
    assertEquals(dropped.getLong(0), totals.getLong(0));
    assertEquals(dropped.getLong(1), totals.getLong(1));
    assertEquals(result.dropped(), dropped.getLong(0));
    long in = spark.read().parquet(tmp.resolve("ingest/documents").toString()).count();
    assertEquals(in, result.documentsIn());
    assertEquals(in, result.kept() + result.dropped());
    Row shortPage = spark.sql("SELECT value FROM parquet.`" + out.resolve("dropped") + "` WHERE url = 'http://edge.test/short-page'").first();
    assertEquals(16.0, shortPage.getDouble(0)); // the words of the short page, punctuation not counted
  }

  @Test
  void rerunIsByteIdentical() throws Exception {
    Path again = tmp.resolve("clean-again");
    CleanJob.run(spark, CleanConfig.DEFAULTS.withInput(List.of(tmp.resolve("ingest").toString())).withOutput(again.toString()));
    for (String table : List.of("documents", "dropped", "filter_stats")) {
      List<byte[]> a = parquetBytes(out.resolve(table));
      List<byte[]> b = parquetBytes(again.resolve(table));
      assertEquals(a.size(), b.size(), table);
      assertFalse(a.isEmpty(), table);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), table + " part " + i);
      }
    }
  }

  @Test
  void sqlFunctionsWorkOnTheTables() {
    spark.read().parquet(tmp.resolve("ingest/documents").toString()).createOrReplaceTempView("documents");
    Row r = spark.sql("SELECT count(*), count(sparklm_gopher_quality(text)), count_if(sparklm_language(text) = 'fr'), "
        + "count(sparklm_url_blocked(url)), max(sparklm_fineweb_quality(text)) IS NOT NULL, "
        + "count_if(sparklm_redact_pii(text) LIKE '%<EMAIL_ADDRESS>%') FROM documents").first();
    assertTrue(r.getLong(1) > 0 && r.getLong(1) < r.getLong(0), r.toString());
    assertEquals(3, r.getLong(2));
    assertEquals(1, r.getLong(3));
    assertTrue(r.getBoolean(4));
    assertTrue(r.getLong(5) >= 1);
    assertNull(spark.sql("SELECT sparklm_gopher_quality(NULL)").first().get(0));
  }

  @Test
  void inputWithoutTextIsAClearError() {
    spark.range(3).write().parquet(tmp.resolve("numbers").toString());
    JobException e = assertThrows(JobException.class, () -> CleanJob.run(spark,
        CleanConfig.DEFAULTS.withInput(List.of(tmp.resolve("numbers").toString())).withOutput(tmp.resolve("x").toString())));
    assertTrue(e.getMessage().contains("has no column 'doc_id'"), e.getMessage());
  }

  private static List<byte[]> parquetBytes(Path table) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (var s = Files.list(table)) {
      for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".parquet"))
          .sorted(java.util.Comparator.comparing(f -> f.getFileName().toString().substring(0, 10))).toList()) {
        out.add(Files.readAllBytes(p));
      }
    }
    return out;
  }
}
