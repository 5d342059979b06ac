package org.sparklm.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.common.Sessions;
import org.sparklm.jobs.config.IngestConfig;
import org.sparklm.jobs.config.SparkSettings;

/** One ingest run over a .warc.zst, a JSONL file and a Parquet file: every format lands in one documents table. */
class IngestFormatsTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = Sessions.create(new SparkSettings("local[2]", "test", Map.of("spark.ui.enabled", "false")), null);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void mixedFormatsInOneRun() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    String root = System.getProperty("sparklm.repo.root", "..");
    try (InputStream gz = new GZIPInputStream(Files.newInputStream(Path.of(root, "data/demo/dev-crawl-sample.warc.gz")));
         OutputStream z = new ZstdOutputStream(Files.newOutputStream(in.resolve("crawl.warc.zst")))) {
      gz.transferTo(z);
    }
    Files.writeString(in.resolve("docs.jsonl"), "{\"text\": \"From JSONL.\", \"url\": \"http://j.test/1\"}\nbroken line\n",
        StandardCharsets.UTF_8);
    StructType schema = new StructType().add("text", DataTypes.StringType).add("url", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create("From Parquet.", "http://p.test/1"), RowFactory.create(null, "http://p.test/2")), schema)
        .coalesce(1).write().parquet(tmp.resolve("pq").toString());
    Path pqFile;
    try (var s = Files.list(tmp.resolve("pq"))) {
      pqFile = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.copy(pqFile, in.resolve("rows.parquet"));

    IngestJob.Result r = IngestJob.run(spark, IngestConfig.DEFAULTS.withInput(List.of(in.toString()))
        .withOutput(tmp.resolve("out").toString()));
    assertEquals(3, r.files());
    assertEquals(83 + 1 + 1, r.documents());
    assertEquals(Map.of("bad_line", 2L), r.rejectsByReason());
    List<Row> texts = spark.read().parquet(r.documentsPath()).where("url LIKE 'http://%.test/%'").orderBy("url")
        .select("url", "text", "http_status").collectAsList();
    assertEquals(RowFactory.create("http://j.test/1", "From JSONL.", 0), texts.get(0));
    assertEquals(RowFactory.create("http://p.test/1", "From Parquet.", 0), texts.get(1));
    assertTrue(spark.read().parquet(r.documentsPath()).where("source.file LIKE '%crawl.warc.zst'").count() == 83);
  }
}
