package org.sparklm.udfs.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes WARC 1.1 records byte by byte, one gzip member per record (Common Crawl's layout). The
 * benchmark uses it to grow a crawl with fresh record ids, and the tests to build crawls with
 * pages they need, including deliberately broken ones (jwarc's writer only writes well-formed
 * records, so it cannot make those).
 */
public final class WarcRecordWriter implements AutoCloseable {
  private final OutputStream out;
  private final boolean gzip;

  public WarcRecordWriter(OutputStream out, boolean gzip) {
    this.out = out;
    this.gzip = gzip;
  }

  /** An HTTP response message: status line, headers (in order), blank line, body. */
  public static byte[] http(int status, Map<String, String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " Status").append("\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** A 200 response with this content type and a matching Content-Length. */
  public static byte[] http(String contentType, byte[] body) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", contentType);
    h.put("Content-Length", Integer.toString(body.length));
    return http(200, h, body);
  }

  /** A {@code response} record for {@code url} holding {@code httpMessage}; the record id is derived from the url. */
  public void response(String url, byte[] httpMessage) throws IOException {
    response(url, Instant.parse("2026-01-01T00:00:00Z"), UUID.nameUUIDFromBytes(url.getBytes(StandardCharsets.UTF_8)), httpMessage);
  }

  public void response(String url, Instant date, UUID recordId, byte[] httpMessage) throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("WARC-Type", "response");
    h.put("WARC-Record-ID", "<urn:uuid:" + recordId + ">");
    h.put("WARC-Date", date.truncatedTo(ChronoUnit.SECONDS).toString());
    h.put("WARC-Target-URI", url);
    h.put("Content-Type", "application/http; msgtype=response");
    record(h, httpMessage);
  }

  /** Any record: the headers (Content-Length is added) and the block. */
  public void record(Map<String, String> headers, byte[] block) throws IOException {
    out.write(recordBytes(headers, block, gzip));
  }

  /** One record's bytes as it would be written, e.g. to cut it short in a test. */
  public static byte[] recordBytes(Map<String, String> headers, byte[] block, boolean gzip) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(block.length + 512);
    StringBuilder sb = new StringBuilder("WARC/1.1\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    sb.append("Content-Length: ").append(block.length).append("\r\n\r\n");
    raw.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    raw.write(block);
    raw.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (!gzip) {
      return raw.toByteArray();
    }
    ByteArrayOutputStream z = new ByteArrayOutputStream(raw.size() / 3 + 64);
    try (GZIPOutputStream g = new GZIPOutputStream(z)) {
      raw.writeTo(g);
    }
    return z.toByteArray();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
