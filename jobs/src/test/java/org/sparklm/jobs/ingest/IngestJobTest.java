package org.sparklm.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;
import org.sparklm.udfs.ingest.Reasons;
import org.sparklm.udfs.ingest.TestWarcs;

class IngestJobTest {
  @TempDir
  static Path dir;
  static Path crawl;

  /** A crawl folder as users get them: good files, a cut download, a stray non-WARC file, a bad page. */
  @BeforeAll
  static void crawlFolder() throws Exception {
    crawl = Files.createDirectories(dir.resolve("crawl"));
    Files.copy(TestWarcs.devSample(), crawl.resolve("a.warc.gz"));
    byte[] whole = Files.readAllBytes(TestWarcs.devSample());
    Files.write(crawl.resolve("b-truncated.warc.gz"), Arrays.copyOf(whole, whole.length - 5000));
    Files.writeString(crawl.resolve("README.txt"), "crawl notes, not a WARC file\n");
    byte[] junk = new byte[300];
    Arrays.fill(junk, (byte) 0xFE);
    TestWarcs.write(crawl.resolve("c.warc"), false,
        "http://x.example/utf8-junk", TestWarcs.http(200, "text/html; charset=utf-8", junk),
        "http://x.example/fine", TestWarcs.http(200, "text/html", TestWarcs.utf8("<title>Fine</title><p>a fine page</p>")));
  }

  @Test
  void everyResponseRecordIsADocumentOrARejectWithItsReason() {
    SparkSession spark = SparkTests.session();
    String out = dir.resolve("out").toString();
    IngestJob.Result r = IngestJob.run(spark, org.sparklm.jobs.config.IngestConfig.DEFAULTS
        .withInput(List.of(crawl.toString())).withOutput(out));
    assertEquals(4, r.files());
    Dataset<Row> docs = spark.read().parquet(out + "/documents");
    Dataset<Row> rejects = spark.read().parquet(out + "/rejects");
    // 83 pages in a.warc.gz, 82 complete ones in the cut copy, 1 fine page in c.warc
    assertEquals(83 + 82 + 1, docs.count());
    Map<String, Long> reasons = rejects.groupBy("reason").count().collectAsList().stream()
        .collect(Collectors.toMap(x -> x.getString(0), x -> x.getLong(1)));
    assertEquals(Map.of(Reasons.TRUNCATED, 1L, Reasons.NOT_WARC, 1L, Reasons.INVALID_ENCODING, 1L), reasons);
    assertEquals(r.documents(), docs.count());
    assertEquals(r.rejects(), rejects.count());

    Row notWarc = rejects.where("reason = 'not_warc'").first();
    assertTrue(notWarc.getStruct(0).getString(0).endsWith("/crawl/README.txt"), notWarc.toString());
    Row junk = rejects.where("reason = 'invalid_encoding'").first();
    assertEquals("http://x.example/utf8-junk", junk.getString(1));

    assertEquals(List.of("doc_id", "url", "fetched_at", "content_type", "charset", "http_status", "title", "text",
        "invalid_bytes", "source"), Arrays.asList(docs.columns()));
    // the same page in a.warc.gz and in the cut copy is one record id, hence one doc_id: ids are
    // stable across reads, and each (file, offset) is one row
    assertEquals(83 + 1, docs.select("doc_id").distinct().count());
    assertEquals(docs.count(), docs.select("source.file", "source.offset").distinct().count());
  }

  @Test
  void rerunReplacesTheOutputAndAFailedRunLeavesItAlone() throws Exception {
    SparkSession spark = SparkTests.session();
    String out = dir.resolve("rerun").toString();
    var cfg = org.sparklm.jobs.config.IngestConfig.DEFAULTS.withInput(List.of(crawl.resolve("a.warc.gz").toString())).withOutput(out);
    IngestJob.run(spark, cfg);
    IngestJob.run(spark, cfg);
    assertEquals(83, spark.read().parquet(out + "/documents").count(), "replaced, not appended");
    try {
      IngestJob.run(spark, cfg.withInput(List.of(dir.resolve("missing-*.warc").toString())));
    } catch (org.sparklm.jobs.common.JobException expected) {
      assertTrue(expected.getMessage().contains("matches no file"));
    }
    assertEquals(83, spark.read().parquet(out + "/documents").count(), "previous output intact");
    try (var files = Files.list(Path.of(out))) {
      assertEquals(List.of("documents", "rejects"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging folders left behind");
    }
    assertFalse(Files.exists(Path.of(out, "documents", "_temporary")));
  }
}
