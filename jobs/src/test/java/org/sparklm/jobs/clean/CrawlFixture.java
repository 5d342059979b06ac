package org.sparklm.jobs.clean;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.common.Sessions;
import org.sparklm.jobs.config.SparkSettings;
import org.sparklm.udfs.ingest.WarcRecordWriter;

/**
 * The crawl the clean tests run on, built at run time: the dev-crawl sample (Python docs), the 24
 * pages of data/multilingual, and hand-made edge cases, each at a URL that names what it is.
 */
final class CrawlFixture {
  private CrawlFixture() {}

  static Path repoRoot() {
    String p = System.getProperty("sparklm.repo.root");
    return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
  }

  static SparkSession spark() {
    SparkSettings s = SparkSettings.DEFAULTS;
    Map<String, String> conf = new LinkedHashMap<>(s.conf());
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", "2");
    return Sessions.create(new SparkSettings("local[2]", s.appName(), conf), null);
  }

  /** Brown documents by id, from the udfs test resources' sample (same file, see its NOTICE.md). */
  static Map<String, String> brown() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Path f = repoRoot().resolve("udfs/src/test/resources/corpus/brown-sample.jsonl.gz");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          var n = json.readTree(line);
          out.put(n.get("id").asText(), n.get("text").asText());
        }
      }
    }
    return out;
  }

  static String html(String title, String bodyHtml) {
    return "<!DOCTYPE html><html><head><title>" + title + "</title></head><body>"
        + "<nav><a href=/>Home</a> <a href=/news>News</a> <a href=/about>About</a></nav><main>" + bodyHtml
        + "</main><footer>Copyright 2026 Example Inc.</footer></body></html>";
  }

  static String paragraphs(String text) {
    StringBuilder sb = new StringBuilder();
    for (String p : text.split("\n\n")) {
      sb.append("<p>").append(org.jsoup.nodes.Entities.escape(p)).append("</p>\n");
    }
    return sb.toString();
  }

  /** Writes the crawl into {@code dir}: the dev-crawl sample plus edge.warc.gz; returns the edge URLs and their expected rule. */
  static Map<String, String> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.copy(repoRoot().resolve("data/demo/dev-crawl-sample.warc.gz"), dir.resolve("dev-crawl-sample.warc.gz"));
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> brown = brown();
    try (OutputStream os = Files.newOutputStream(dir.resolve("edge.warc.gz"));
         WarcRecordWriter w = new WarcRecordWriter(os, true)) {
      for (Path f : files(repoRoot().resolve("data/multilingual"))) {
        String url = "http://pages.test/multilingual/" + f.getFileName();
        w.response(url, WarcRecordWriter.http("text/html; charset=utf-8", Files.readAllBytes(f)));
        expected.put(url, "language:" + f.getFileName().toString().substring(0, 2));
      }
      String[] cb = brown.get("brown-cb01").split("\n\n");
      page(w, expected, "http://edge.test/lorem-ipsum", "c4_lorem_ipsum", html("Our new site", paragraphs(
          String.join("\n\n", cb[0], cb[1], cb[2], cb[3])) + "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
          + "sed do eiusmod tempor incididunt ut labore.</p>"));
      StringBuilder stuffed = new StringBuilder("Find cheap flights today.");
      for (String city : List.of("Rome", "Paris", "Berlin", "Madrid", "Lisbon", "Vienna", "Prague", "Dublin", "Oslo", "Athens",
          "Warsaw", "Budapest", "Zurich", "Brussels", "Amsterdam", "Helsinki", "Stockholm", "Copenhagen", "London", "Milan")) {
        stuffed.append(" Cheap flights to ").append(city).append(", cheap flights from ").append(city).append('.');
      }
      page(w, expected, "http://edge.test/keyword-stuffing", "gopher_top_2_gram", html("Cheap flights", "<p>" + stuffed + "</p>"));
      page(w, expected, "http://edge.test/nav-only", "empty_text", "<html><body><nav><ul><li><a href=/a>Products</a></li>"
          + "<li><a href=/b>Pricing</a></li><li><a href=/c>Blog</a></li></ul></nav><footer>Copyright 2026</footer></body></html>");
      StringBuilder code = new StringBuilder();
      for (int i = 0; i < 60; i++) {
        code.append("    total_").append(i).append(" = compute(values[").append(i).append("], scale=").append(i * 3).append(")\n");
      }
      page(w, expected, "http://edge.test/code-page", "gopher_below_alpha_threshold", html("compute.py",
          "<p>The listing below is the whole module.</p><pre>def run(values):\n" + code + "    return total_0\n</pre>"));
      page(w, expected, "http://edge.test/short-page", "gopher_short_doc",
          html("Moved", "<p>This page has moved to our new site. Thank you for visiting us over the years!</p>"));
      page(w, expected, "https://www.pornhub.com/blocked", "url_blocklist", html("Blocked", paragraphs(brown.get("brown-ca01"))));
      // windows-1252: curly quotes and a dash as single bytes 0x93 0x94 0x97, declared by <meta>
      String cp = html("Windows-1252", "<meta charset=\"windows-1252\">" + paragraphs(
          brown.get("brown-ca01").replaceFirst("\"no evidence\"", "\u201cno evidence\u201d \u2014")));
      w.response("http://edge.test/windows-1252", WarcRecordWriter.http("text/html", cp.getBytes(Charset.forName("windows-1252"))));
      expected.put("http://edge.test/windows-1252", "kept");
      String pii = brown.get("brown-cg01") + "\n\nWrite to the editor at jane.doe@example.org or reach our server at 8.8.8.8 any day.";
      page(w, expected, "http://edge.test/pii", "kept", html("Letters", paragraphs(pii)));
      byte[] junk = new byte[30_000];
      new Random(7).nextBytes(junk);
      w.response("http://edge.test/invalid-bytes", WarcRecordWriter.http("text/html; charset=utf-8", junk));
      expected.put("http://edge.test/invalid-bytes", "reject:invalid_encoding");
      // hostile records in the middle of the file: each is one reject, the records after them are read
      w.response("http://hostile.test/png", WarcRecordWriter.http("image/png", junk));
      expected.put("http://hostile.test/png", "reject:skipped_content_type");
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(bomb, 1 << 16)) {
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < 64; i++) {
          g.write(zeros); // 64 MB of zeros in ~64 KB, over ingest.max_record_bytes
        }
      }
      Map<String, String> gz = new LinkedHashMap<>();
      gz.put("Content-Type", "text/html");
      gz.put("Content-Encoding", "gzip");
      w.response("http://hostile.test/gzip-bomb", WarcRecordWriter.http(200, gz, bomb.toByteArray()));
      expected.put("http://hostile.test/gzip-bomb", "reject:too_large");
      w.response("http://hostile.test/malformed-http", "not an HTTP response\r\n\u0000\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1));
      expected.put("http://hostile.test/malformed-http", "reject:malformed_http");
      page(w, expected, "http://edge.test/after-hostile", "kept", html("After", paragraphs(brown.get("brown-cj01"))));
    }
    // a file whose last gzip member is cut: its first two records are still documents
    ByteArrayOutputStream cut = new ByteArrayOutputStream();
    try (WarcRecordWriter w = new WarcRecordWriter(cut, true)) {
      for (String id : List.of("ck01", "cl01", "cm01")) {
        w.response("http://cut.test/" + id, WarcRecordWriter.http("text/html; charset=utf-8",
            html(id, paragraphs(brown.get("brown-" + id))).getBytes(StandardCharsets.UTF_8)));
      }
    }
    Files.write(dir.resolve("cut.warc.gz"), java.util.Arrays.copyOf(cut.toByteArray(), cut.size() - 100));
    return expected;
  }

  private static void page(WarcRecordWriter w, Map<String, String> expected, String url, String rule, String html) throws IOException {
    w.response(url, WarcRecordWriter.http("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8)));
    expected.put(url, rule);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
    }
  }
}
