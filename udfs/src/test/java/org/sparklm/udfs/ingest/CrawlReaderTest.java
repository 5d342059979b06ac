package org.sparklm.udfs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;

/** Every crawl format ingest reads gives the same documents for the same records. */
class CrawlReaderTest {
  static final WarcIngest.Options OPTS = new WarcIngest.Options(16 << 20, 0.01, List.of("text/html", "text/plain"));

  static List<WarcIngest.Item> read(String name, byte[] bytes) {
    return read(name, bytes, CrawlReader.Fields.DEFAULTS);
  }

  static List<WarcIngest.Item> read(String name, byte[] bytes, CrawlReader.Fields fields) {
    List<WarcIngest.Item> out = new ArrayList<>();
    CrawlReader.read(name, new ByteArrayInputStream(bytes), OPTS, fields, out::add);
    return out;
  }

  static Map<String, String> docs(List<WarcIngest.Item> items) {
    Map<String, String> m = new LinkedHashMap<>();
    for (WarcIngest.Item i : items) {
      if (i instanceof WarcIngest.Doc d) {
        m.put(d.docId(), d.text());
      }
    }
    return m;
  }

  static byte[] devCrawlPlain() throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Corpus.devCrawlSample()))) {
      return in.readAllBytes();
    }
  }

  @Test
  void warcInEveryCompressionGivesTheSameDocuments() throws Exception {
    byte[] perRecord = Files.readAllBytes(Corpus.devCrawlSample());
    Map<String, String> expected = docs(read("a.warc.gz", perRecord));
    assertEquals(83, expected.size());
    byte[] plain = devCrawlPlain();
    assertEquals(expected, docs(read("a.warc", plain)));
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(whole)) {
      g.write(plain);
    }
    assertEquals(expected, docs(read("a.warc.gz", whole.toByteArray())));
    ByteArrayOutputStream zst = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(zst)) {
      z.write(plain);
    }
    assertEquals(expected, docs(read("a.warc.zst", zst.toByteArray())));
    // the name does not matter: the first bytes do
    assertEquals(expected, docs(read("download.bin", zst.toByteArray())));
  }

  /** IIPC .warc.zst: a skippable frame holding a dictionary, then one frame per record compressed with it. */
  @Test
  void warcZstWithDictionary() throws Exception {
    byte[] plain = devCrawlPlain();
    List<byte[]> records = splitRecords(plain);
    ZstdDictTrainer trainer = new ZstdDictTrainer(plain.length, 16 << 10);
    for (byte[] r : records) {
      trainer.addSample(r);
    }
    byte[] dict = trainer.trainSamples();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer frame = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(CrawlReader.ZSTD_DICT_FRAME).putInt(dict.length);
    out.write(frame.array());
    out.write(dict);
    for (byte[] r : records) {
      try (ZstdOutputStream z = new ZstdOutputStream(new NoClose(out))) {
        z.setDict(dict);
        z.write(r);
      }
    }
    assertEquals(docs(read("a.warc", plain)), docs(read("a.warc.zst", out.toByteArray())));
  }

  @Test
  void wetConversionRecordsAreText() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WarcRecordWriter w = new WarcRecordWriter(out, true)) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("WARC-Type", "conversion");
      h.put("WARC-Target-URI", "http://example.test/a");
      h.put("WARC-Date", "2026-01-01T00:00:00Z");
      h.put("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000001>");
      h.put("Content-Type", "text/plain");
      w.record(h, "Plain text of the page.\nSecond line: café.".getBytes(StandardCharsets.UTF_8));
    }
    List<WarcIngest.Item> items = read("x.warc.wet.gz", out.toByteArray());
    assertEquals(1, items.size());
    WarcIngest.Doc d = (WarcIngest.Doc) items.get(0);
    assertEquals("Plain text of the page.\nSecond line: café.", d.text());
    assertEquals("http://example.test/a", d.url());
    assertEquals(0, d.httpStatus());
    assertEquals("text/plain", d.contentType());
  }

  /** Common Crawl stores some payloads decoded and renames the header: they must not be inflated again. */
  @Test
  void renamedContentEncodingIsNotInflatedTwice() throws Exception {
    String html = "<html><body><main><p>Stored decoded by the crawler, as Common Crawl does.</p></main></body></html>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(body);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WarcRecordWriter w = new WarcRecordWriter(out, true)) {
      w.response("http://a.test/renamed", WarcRecordWriter.http(200, headers("X-Crawler-Content-Encoding", "gzip",
          "X-Crawler-Content-Length", Integer.toString(gz.size()), "Content-Length", Integer.toString(body.length)), body));
      w.response("http://a.test/encoded", WarcRecordWriter.http(200, headers("Content-Encoding", "gzip",
          "Content-Length", Integer.toString(gz.size())), gz.toByteArray()));
      w.response("http://a.test/mislabelled", WarcRecordWriter.http(200, headers("Content-Encoding", "gzip"), body));
      w.response("http://a.test/broken", WarcRecordWriter.http(200, headers("Content-Encoding", "gzip"),
          new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }
    List<WarcIngest.Item> items = read("cc.warc.gz", out.toByteArray());
    assertEquals(4, items.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("Stored decoded by the crawler, as Common Crawl does.", ((WarcIngest.Doc) items.get(i)).text(), "record " + i);
    }
    WarcIngest.Reject broken = (WarcIngest.Reject) items.get(3);
    assertTrue(broken.reason().equals(Reasons.BAD_CONTENT_ENCODING) || broken.reason().equals(Reasons.TRUNCATED), broken.toString());
    assertEquals("http://a.test/broken", broken.url());
  }

  @Test
  void jsonlWithConfiguredFields() throws Exception {
    String jsonl = "{\"content\": \"First document text.\", \"link\": \"http://j.test/1\", \"uid\": \"a1\"}\n"
        + "not json at all\n"
        + "\n"
        + "{\"content\": 42, \"link\": \"http://j.test/3\"}\n"
        + "{\"content\": \"No id here.\"}\n";
    CrawlReader.Fields f = new CrawlReader.Fields("content", "link", "uid");
    List<WarcIngest.Item> items = read("d.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), f);
    assertEquals(4, items.size());
    WarcIngest.Doc first = (WarcIngest.Doc) items.get(0);
    assertEquals("First document text.", first.text());
    assertEquals(WarcIngest.docId("a1"), first.docId());
    assertEquals(1, first.offset());
    WarcIngest.Reject notJson = (WarcIngest.Reject) items.get(1);
    assertEquals(Reasons.BAD_LINE, notJson.reason());
    assertEquals(2, notJson.offset());
    WarcIngest.Reject noText = (WarcIngest.Reject) items.get(2);
    assertEquals("http://j.test/3", noText.url());
    assertTrue(noText.detail().contains("'content'"));
    WarcIngest.Doc last = (WarcIngest.Doc) items.get(3);
    assertNull(last.url());
    assertEquals(WarcIngest.docId("d.jsonl\n5"), last.docId());
  }

  @Test
  void jsonlGzipAndATruncatedOne() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append("{\"text\": \"Document number ").append(i).append(" of the set.\"}\n");
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(2000, docs(read("b.jsonl.gz", gz.toByteArray())).size());
    byte[] cut = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
    List<WarcIngest.Item> items = read("b.jsonl.gz", cut);
    WarcIngest.Item lastItem = items.get(items.size() - 1);
    assertTrue(lastItem instanceof WarcIngest.Reject r && r.reason().equals(Reasons.TRUNCATED), lastItem.toString());
    assertTrue(items.size() > 500, "lines before the cut are kept: " + items);
  }

  @Test
  void unknownBytesAreOneReject() {
    List<WarcIngest.Item> items = read("photo.jpg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2, 3});
    assertEquals(1, items.size());
    WarcIngest.Reject r = (WarcIngest.Reject) items.get(0);
    assertEquals(Reasons.NOT_WARC, r.reason());
    assertTrue(r.detail().contains("\\xff\\xd8"), r.detail());
  }

  static Map<String, String> headers(String... kv) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "text/html; charset=utf-8");
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  /** The records of a plain WARC file, each with its trailing CRLF CRLF. */
  static List<byte[]> splitRecords(byte[] plain) {
    List<byte[]> out = new ArrayList<>();
    String s = new String(plain, StandardCharsets.ISO_8859_1);
    int start = 0;
    while (start < s.length()) {
      int next = s.indexOf("\r\n\r\nWARC/", start + 5);
      int end = next < 0 ? s.length() : next + 4;
      out.add(java.util.Arrays.copyOfRange(plain, start, end));
      start = end;
    }
    return out;
  }

  static final class NoClose extends java.io.FilterOutputStream {
    NoClose(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
