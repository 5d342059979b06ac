package org.sparklm.udfs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Hostile input, generated here at run time: each bad record ends as one reject with a reason, and
 * the good record written after it is still read.
 */
class HostileInputTest {
  static final String GOOD_HTML = "<html><body><main><p>A good page after the bad one.</p></main></body></html>";

  static List<WarcIngest.Item> readWithGoodAfter(byte[] bad) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bad);
    try (WarcRecordWriter w = new WarcRecordWriter(out, true)) {
      w.response("http://good.test/after", WarcRecordWriter.http("text/html", GOOD_HTML.getBytes(StandardCharsets.UTF_8)));
    }
    List<WarcIngest.Item> items = CrawlReaderTest.read("hostile.warc.gz", out.toByteArray());
    WarcIngest.Item last = items.get(items.size() - 1);
    assertTrue(last instanceof WarcIngest.Doc d && d.url().equals("http://good.test/after"), "the good record was lost: " + items);
    return items;
  }

  static byte[] response(String url, byte[] http) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WarcRecordWriter w = new WarcRecordWriter(out, true)) {
      w.response(url, http);
    }
    return out.toByteArray();
  }

  static WarcIngest.Reject onlyReject(List<WarcIngest.Item> items) {
    assertEquals(2, items.size(), items.toString());
    return (WarcIngest.Reject) items.get(0);
  }

  @Test
  void truncatedLastGzipMemberIsOneRejectForThatRecord() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WarcRecordWriter w = new WarcRecordWriter(out, true)) {
      for (int i = 0; i < 3; i++) {
        w.response("http://t.test/" + i, WarcRecordWriter.http("text/html", ("<p>page " + i + " " + "text ".repeat(500) + "</p>")
            .getBytes(StandardCharsets.UTF_8)));
      }
    }
    byte[] all = out.toByteArray();
    byte[] cut = Arrays.copyOf(all, all.length - 40);
    List<WarcIngest.Item> items = CrawlReaderTest.read("cut.warc.gz", cut);
    assertEquals(3, items.size(), items.toString());
    assertTrue(items.get(0) instanceof WarcIngest.Doc);
    assertTrue(items.get(1) instanceof WarcIngest.Doc);
    WarcIngest.Reject r = (WarcIngest.Reject) items.get(2);
    assertEquals(Reasons.TRUNCATED, r.reason(), r.toString());
    assertEquals("cut.warc.gz", r.file());
  }

  @Test
  void fiftyMegabyteRecordIsTooLarge() throws Exception {
    byte[] big = new byte[50 << 20];
    byte[] chunk = "<p>All work and no play makes a very large page.</p>\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < big.length; i++) {
      big[i] = chunk[i % chunk.length];
    }
    WarcIngest.Reject r = onlyReject(readWithGoodAfter(response("http://big.test/", WarcRecordWriter.http("text/html", big))));
    assertEquals(Reasons.TOO_LARGE, r.reason());
    assertEquals("http://big.test/", r.url());
  }

  @Test
  void gzipBombStopsAtTheLimit() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bomb, 1 << 16)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        g.write(zeros); // 256 MB of zeros in ~250 KB
      }
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "text/html");
    h.put("Content-Encoding", "gzip");
    WarcIngest.Reject r = onlyReject(readWithGoodAfter(response("http://bomb.test/", WarcRecordWriter.http(200, h, bomb.toByteArray()))));
    assertEquals(Reasons.TOO_LARGE, r.reason());
    assertTrue(bomb.size() < 1 << 20);
  }

  @Test
  void binaryPayloads() throws Exception {
    byte[] noise = new byte[20_000];
    new Random(1).nextBytes(noise);
    WarcIngest.Reject png = onlyReject(readWithGoodAfter(response("http://bin.test/a.png", WarcRecordWriter.http("image/png", noise))));
    assertEquals(Reasons.CONTENT_TYPE, png.reason());
    assertEquals("image/png", png.detail());
    WarcIngest.Reject html = onlyReject(readWithGoodAfter(response("http://bin.test/b.html", WarcRecordWriter.http("text/html", noise))));
    assertEquals(Reasons.INVALID_ENCODING, html.reason());
  }

  @Test
  void malformedHttpHeaders() throws Exception {
    byte[] garbage = "this is not an HTTP response at all\r\n\u0000\u0001\u0002\r\n\r\n<p>body</p>".getBytes(StandardCharsets.ISO_8859_1);
    WarcIngest.Reject r = onlyReject(readWithGoodAfter(response("http://bad.test/", garbage)));
    assertEquals(Reasons.MALFORMED_HTTP, r.reason(), r.toString());
    assertEquals("http://bad.test/", r.url());
  }

  /** A record the WARC reader parses but whose headers break a later step (two record ids) is one reject, not the rest of the file. */
  @Test
  void aRecordWithTwoRecordIdsIsOneReject() throws Exception {
    byte[] http = WarcRecordWriter.http("text/html", "<html><body><p>duplicate ids</p></body></html>".getBytes(StandardCharsets.UTF_8));
    String head = "WARC/1.0\r\nWARC-Type: response\r\n"
        + "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        + "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        + "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: http://dup.test/\r\n"
        + "Content-Type: application/http; msgtype=response\r\nContent-Length: " + http.length + "\r\n\r\n";
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(head.getBytes(StandardCharsets.US_ASCII));
    raw.write(http);
    raw.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(raw.toByteArray());
    }
    WarcIngest.Reject r = onlyReject(readWithGoodAfter(gz.toByteArray()));
    assertEquals(Reasons.CORRUPT_RECORD, r.reason(), r.toString());
    assertEquals("http://dup.test/", r.url(), r.toString());
    assertTrue(r.detail().contains("WARC-Record-ID"), r.toString());
  }
}
