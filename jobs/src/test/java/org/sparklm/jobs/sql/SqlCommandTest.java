package org.sparklm.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;
import org.sparklm.udfs.ingest.TestWarcs;

class SqlCommandTest {
  @TempDir
  static Path warehouse;

  @BeforeAll
  static void ingest() throws Exception {
    Path crawl = TestWarcs.write(warehouse.resolve("crawl.warc.gz"), true,
        "http://q.example/a", TestWarcs.http(200, "text/html", TestWarcs.utf8("<title>A, \"quoted\"</title><p>alpha</p>")),
        "http://q.example/b", TestWarcs.http(200, "text/plain", TestWarcs.utf8("beta\nline two")),
        "http://q.example/c", TestWarcs.http(404, "text/html", TestWarcs.utf8("gone")));
    SparkTests.Cli r = SparkTests.cli("ingest", "--input", crawl.toString(), "--output", warehouse.resolve("run1/ingest").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("3 response records -> 2 documents, 1 rejects (http_status 1)"), r.out());
  }

  @Test
  void csvIsRfc4180AndTablesHaveShortAndQualifiedNames() {
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", warehouse.toString(), "--format", "csv",
        "SELECT d.url, d.title FROM documents d JOIN run1_ingest_documents q USING (doc_id) ORDER BY url");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("url,title", "http://q.example/a,\"A, \"\"quoted\"\"\"", "http://q.example/b,"), r.out().lines().toList());
  }

  @Test
  void jsonIsOneObjectPerRow() throws Exception {
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", warehouse.toString(), "--format", "json",
        "SELECT reason, detail, source.offset > 0 AS has_offset FROM rejects");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size());
    JsonNode row = new ObjectMapper().readTree(lines.get(0));
    assertEquals("http_status", row.get("reason").asText());
    assertEquals("HTTP 404", row.get("detail").asText());
  }

  @Test
  void tableFormatAlignsAndCountsRows() {
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", warehouse.toString(),
        "SELECT content_type, count(*) AS n FROM documents GROUP BY content_type ORDER BY content_type");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("| content_type | n |", lines.get(1));
    assertEquals("| text/html    | 1 |", lines.get(3));
    assertEquals("| text/plain   | 1 |", lines.get(4));
    assertEquals("2 rows", lines.get(6));
  }

  @Test
  void parquetPathsAndSqlFunctionsWork() {
    String docs = warehouse.resolve("run1/ingest/documents").toString();
    SparkTests.Cli r = SparkTests.cli("sql", "--format", "csv",
        "SELECT sparklm_html_text('<p>x</p><script>y</script><p>z</p>') AS t, count(*) AS n FROM parquet.`" + docs + "`");
    assertEquals(0, r.code(), r.err());
    // the UDF keeps the two paragraphs on two lines and drops the script; CSV quotes the newline
    assertEquals("t,n\n\"x\nz\",2\n", r.out());
  }

  @Test
  void aBadQueryIsOneLineListingTheTables() {
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", warehouse.toString(), "SELECT * FROM nosuch");
    assertEquals(1, r.code());
    assertTrue(r.firstErrLine().startsWith("sparklm sql: error: query failed: "), r.err());
    assertTrue(r.firstErrLine().contains("tables: documents, rejects, run1_ingest_documents, run1_ingest_rejects"), r.firstErrLine());
  }
}
