package org.sparklm.udfs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarcIngestTest {
  static final WarcIngest.Options OPTS = new WarcIngest.Options(16 << 20, 0.01,
      List.of("text/html", "application/xhtml+xml", "text/plain"));

  @TempDir
  Path dir;

  static List<WarcIngest.Item> read(Path file) throws IOException {
    List<WarcIngest.Item> items = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      WarcIngest.read(file.toString(), in, OPTS, items::add);
    }
    return items;
  }

  /** Counts response records by scanning the decompressed bytes: independent of jwarc. */
  static int responseRecords(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      String all = new String(in.readAllBytes(), Charset.forName("ISO-8859-1"));
      Matcher m = Pattern.compile("\r\nWARC-Type: response\r\n").matcher(all);
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    }
  }

  @Test
  void everyResponseOfTheDevCrawlBecomesADocumentWithTextTitleAndUrl() throws IOException {
    Path sample = TestWarcs.devSample();
    List<WarcIngest.Item> items = read(sample);
    assertEquals(responseRecords(sample), items.size());
    assertEquals(83, items.size());
    for (WarcIngest.Item it : items) {
      WarcIngest.Doc d = (WarcIngest.Doc) it;
      // wget writes WARC-Target-URI: <http://...>; the brackets must not reach the table
      assertTrue(d.url().startsWith("http://127.0.0.1:"), d.url());
      // every page has a <title> but the crawl's start page, a bare list of links
      assertEquals(d.url().endsWith("/index.html"), d.title() == null, d.url());
      assertTrue(d.text().length() > 200, d.url());
      assertEquals(32, d.docId().length());
      assertNotNull(d.fetchedAt());
      assertEquals(0, d.invalidBytes());
    }
    WarcIngest.Doc argparse = items.stream().map(WarcIngest.Doc.class::cast)
        .filter(d -> d.url().endsWith("/library/argparse.html")).findFirst().orElseThrow();
    assertTrue(argparse.title().startsWith("argparse"), argparse.title());
    assertTrue(argparse.text().contains("ArgumentParser"), "visible text kept");
    assertTrue(!argparse.text().contains("<div") && !argparse.text().contains("function("), "markup and scripts gone");
  }

  /** The default (one-pass) extractor and the DOM one make the same documents from the dev crawl. */
  @Test
  void mainContentAndTheDomExtractorGiveTheSameDocuments() throws IOException {
    WarcIngest.Options dom = new WarcIngest.Options(OPTS.maxRecordBytes(), OPTS.maxInvalidByteFraction(), OPTS.contentTypes(),
        WarcIngest.Extractor.MAIN_CONTENT_DOM, org.sparklm.udfs.extract.MainContent.Limits.DEFAULTS);
    assertEquals(WarcIngest.Extractor.MAIN_CONTENT, OPTS.extractor());
    List<WarcIngest.Item> viaDom = new ArrayList<>();
    try (InputStream in = Files.newInputStream(TestWarcs.devSample())) {
      WarcIngest.read(TestWarcs.devSample().toString(), in, dom, viaDom::add);
    }
    assertEquals(viaDom, read(TestWarcs.devSample()));
  }

  @Test
  void docIdsAreStableAcrossReadsAndUniqueWithinTheCrawl() throws IOException {
    List<String> a = read(TestWarcs.devSample()).stream().map(i -> ((WarcIngest.Doc) i).docId()).toList();
    List<String> b = read(TestWarcs.devSample()).stream().map(i -> ((WarcIngest.Doc) i).docId()).toList();
    assertEquals(a, b);
    assertEquals(a.size(), a.stream().distinct().count());
  }

  @Test
  void truncatedGzipKeepsEveryCompleteRecordAndRejectsTheCutOne() throws IOException {
    byte[] whole = Files.readAllBytes(TestWarcs.devSample());
    Path cut = dir.resolve("cut.warc.gz");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 5000));
    List<WarcIngest.Item> items = read(cut);
    List<WarcIngest.Reject> rejects = items.stream().filter(i -> i instanceof WarcIngest.Reject).map(WarcIngest.Reject.class::cast).toList();
    assertEquals(1, rejects.size(), rejects.toString());
    assertEquals(Reasons.TRUNCATED, rejects.get(0).reason());
    assertEquals(cut.toString(), rejects.get(0).file());
    assertTrue(rejects.get(0).offset() > 0);
    // the last response record was cut: every other one is a document
    assertEquals(82, items.size() - rejects.size());
  }

  @Test
  void aFileThatIsNotAWarcIsOneRejectNamingIt() throws IOException {
    Path txt = Files.writeString(dir.resolve("notes.txt"), "just some notes\nnot a crawl\n");
    List<WarcIngest.Item> items = read(txt);
    assertEquals(1, items.size());
    WarcIngest.Reject r = (WarcIngest.Reject) items.get(0);
    assertEquals(Reasons.NOT_WARC, r.reason());
    assertEquals(0, r.offset());
    assertTrue(r.detail().startsWith("does not start with a WARC record"), r.detail());
  }

  @Test
  void invalidUtf8IsRejectedWithCountsButOneStrayByteIsRepaired() throws IOException {
    byte[] junk = new byte[400];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) (0x80 + (i % 60)); // continuation bytes with no lead byte: all invalid UTF-8
    }
    byte[] oneBad = TestWarcs.utf8("<html><body><p>" + "caf\u00e9 ".repeat(50) + "X</p></body></html>");
    oneBad[oneBad.length - 20] = (byte) 0xFF;
    Path f = TestWarcs.write(dir.resolve("enc.warc.gz"), true,
        "http://a.example/bad", TestWarcs.http(200, "text/html; charset=utf-8", junk),
        "http://a.example/ok", TestWarcs.http(200, "text/html; charset=utf-8", oneBad));
    List<WarcIngest.Item> items = read(f);
    WarcIngest.Reject r = (WarcIngest.Reject) items.get(0);
    assertEquals(Reasons.INVALID_ENCODING, r.reason());
    assertEquals("http://a.example/bad", r.url());
    assertTrue(r.detail().startsWith("400 of 400 bytes are invalid UTF-8"), r.detail());
    WarcIngest.Doc d = (WarcIngest.Doc) items.get(1);
    assertEquals(1, d.invalidBytes());
    assertTrue(d.text().contains("\uFFFD"));
    assertTrue(d.text().startsWith("caf\u00e9 caf\u00e9"));
  }

  @Test
  void charsetComesFromHeaderThenMetaThenUtf8() throws IOException {
    byte[] latin = "<html><head><meta charset=\"windows-1252\"></head><body><p>na\u00efve caf\u00e9 \u20ac</p></body></html>"
        .getBytes(Charset.forName("windows-1252"));
    Path f = TestWarcs.write(dir.resolve("cs.warc"), false,
        "http://b.example/meta", TestWarcs.http(200, "text/html", latin),
        "http://b.example/header", TestWarcs.http(200, "text/html; charset=ISO-8859-1", latin),
        "http://b.example/plain", TestWarcs.http(200, "text/plain", TestWarcs.utf8("line one\nline two \u00e9")));
    List<WarcIngest.Item> items = read(f);
    assertEquals(3, items.size(), items.toString());
    for (int i = 0; i < 2; i++) {
      WarcIngest.Doc d = (WarcIngest.Doc) items.get(i);
      assertEquals("windows-1252", d.charset());
      assertEquals("na\u00efve caf\u00e9 \u20ac", d.text());
    }
    WarcIngest.Doc plain = (WarcIngest.Doc) items.get(2);
    assertEquals("text/plain", plain.contentType());
    assertEquals("UTF-8", plain.charset());
    assertEquals("line one\nline two \u00e9", plain.text());
  }

  @Test
  void nonDocumentsAreRejectedWithTheirReason() throws IOException {
    Path f = TestWarcs.write(dir.resolve("mixed.warc.gz"), true,
        "http://c.example/img.png", TestWarcs.http(200, "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
        "http://c.example/gone", TestWarcs.http(404, "text/html", TestWarcs.utf8("<p>not found</p>")),
        "http://c.example/moved", TestWarcs.http(301, null, new byte[0]),
        "http://c.example/huge", TestWarcs.http(200, "text/html", new byte[2 << 20]),
        "http://c.example/garbled", TestWarcs.utf8("this is not an HTTP response at all\r\n\r\n"));
    WarcIngest.Options small = new WarcIngest.Options(1 << 20, 0.01, OPTS.contentTypes());
    List<WarcIngest.Item> items = new ArrayList<>();
    try (InputStream in = Files.newInputStream(f)) {
      WarcIngest.read(f.toString(), in, small, items::add);
    }
    List<String> reasons = items.stream().map(i -> ((WarcIngest.Reject) i).reason()).toList();
    assertEquals(List.of(Reasons.CONTENT_TYPE, Reasons.HTTP_STATUS, Reasons.HTTP_STATUS, Reasons.TOO_LARGE,
        Reasons.MALFORMED_HTTP), reasons);
    assertEquals("image/png", ((WarcIngest.Reject) items.get(0)).detail());
    assertEquals("HTTP 404", ((WarcIngest.Reject) items.get(1)).detail());
  }

  @Test
  void emptyInputIsNotAWarc() {
    List<WarcIngest.Item> items = new ArrayList<>();
    WarcIngest.read("empty.warc", new ByteArrayInputStream(new byte[0]), OPTS, items::add);
    // an empty file holds no record at all: nothing to account for, nothing lost
    assertEquals(List.of(), items);
  }
}
