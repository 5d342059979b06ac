package org.sparklm.udfs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * One crawl file of any supported format into documents and rejects: WARC and WET (plain,
 * gzip per record, whole-file gzip, or zstd as {@code .warc.zst}) and JSON Lines (plain or gzip).
 * The format comes from the file's first bytes (gzip and zstd magic, then {@code WARC/} or
 * {@code {}), the name only breaking ties. Parquet is read by Spark itself (see the ingest job).
 */
public final class CrawlReader {
  private CrawlReader() {}

  /** What a file holds. */
  public enum Format { WARC, JSONL, PARQUET, UNKNOWN }

  /** Which JSON fields hold a record's text, URL and id (JSONL and Parquet inputs). */
  public record Fields(String text, String url, String id) implements java.io.Serializable {
    public static final Fields DEFAULTS = new Fields("text", "url", "id");
  }

  static final int GZIP_MAGIC = 0x1f8b;
  static final int ZSTD_MAGIC = 0xFD2FB528; // little-endian 28 b5 2f fd
  /** The skippable frame a .warc.zst file starts with when it carries a dictionary (IIPC WARC zstd spec). */
  static final int ZSTD_DICT_FRAME = 0x184D2A5D;

  /** The format of a file from its first bytes (and its name when the bytes say nothing). */
  public static Format sniff(String name, byte[] head, int n) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
      return Format.PARQUET;
    }
    int i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t' || (head[i] & 0xFF) == 0xEF
        || (head[i] & 0xFF) == 0xBB || (head[i] & 0xFF) == 0xBF)) {
      i++;
    }
    if (n - i >= 5 && new String(head, i, 5, StandardCharsets.US_ASCII).equals("WARC/")) {
      return Format.WARC;
    }
    if (i < n && head[i] == '{') {
      return Format.JSONL;
    }
    if (lower.endsWith(".parquet")) {
      return Format.PARQUET;
    }
    if (lower.contains(".warc") || lower.contains(".wet") || lower.contains(".arc")) {
      return Format.WARC;
    }
    if (lower.contains(".jsonl") || lower.contains(".ndjson") || lower.endsWith(".json") || lower.endsWith(".json.gz")) {
      return Format.JSONL;
    }
    return Format.UNKNOWN;
  }

  /** Reads {@code in} (the whole file) and emits one item per record or line. */
  public static void read(String file, InputStream in, WarcIngest.Options opts, Fields fields, Consumer<WarcIngest.Item> out) {
    try {
      BufferedInputStream raw = new BufferedInputStream(in, 1 << 16);
      InputStream plain = raw;
      int magic = peekInt(raw);
      if (magic == ZSTD_MAGIC || magic == ZSTD_DICT_FRAME) {
        plain = new BufferedInputStream(zstd(raw), 1 << 16);
      }
      BufferedInputStream buffered = (BufferedInputStream) plain;
      boolean gzip = peekShort(buffered) == GZIP_MAGIC;
      // the format is judged on the first decompressed bytes; then the stream is rewound
      byte[] head = new byte[64];
      int n;
      buffered.mark(1 << 20);
      if (gzip) {
        GZIPInputStream g = new GZIPInputStream(buffered, 512);
        n = g.readNBytes(head, 0, head.length);
      } else {
        n = buffered.readNBytes(head, 0, head.length);
      }
      buffered.reset();
      Format f = sniff(file, head, n);
      switch (f) {
        case WARC -> WarcIngest.read(file, buffered, opts, out);
        case JSONL -> readJsonl(file, gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered, opts, fields, out);
        default -> out.accept(new WarcIngest.Reject(file, 0, null, Reasons.NOT_WARC, "not a WARC, WET or JSONL file"
            + (f == Format.PARQUET ? " (Parquet must be read through the ingest job)" : "") + ": starts with "
            + printable(head, n)));
      }
    } catch (IOException | RuntimeException e) {
      boolean cut = WarcIngest.isTruncation(e);
      out.accept(new WarcIngest.Reject(file, 0, null, cut ? Reasons.TRUNCATED : Reasons.READ_ERROR, WarcIngest.oneLine(e)));
    }
  }

  /**
   * A zstd stream, with the dictionary of a leading skippable frame when there is one (itself
   * zstd-compressed or raw, as the IIPC {@code .warc.zst} spec allows).
   */
  static InputStream zstd(BufferedInputStream in) throws IOException {
    byte[] dict = null;
    if (peekInt(in) == ZSTD_DICT_FRAME) {
      DataInputStream d = new DataInputStream(in);
      d.readInt();
      int size = Integer.reverseBytes(d.readInt());
      if (size < 0 || size > (64 << 20)) {
        throw new IOException("zstd dictionary frame of " + size + " bytes");
      }
      dict = d.readNBytes(size);
      if (dict.length != size) {
        throw new java.io.EOFException("file ends inside the zstd dictionary frame");
      }
      if (dict.length >= 4 && Integer.reverseBytes(((dict[0] & 0xFF) << 24) | ((dict[1] & 0xFF) << 16) | ((dict[2] & 0xFF) << 8)
          | (dict[3] & 0xFF)) == ZSTD_MAGIC) {
        try (ZstdInputStream z = new ZstdInputStream(new ByteArrayInputStream(dict))) {
          dict = z.readAllBytes();
        }
      }
    }
    ZstdInputStream z = new ZstdInputStream(in);
    if (dict != null) {
      z.setDict(dict);
    }
    return z;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static void readJsonl(String file, InputStream in, WarcIngest.Options opts, Fields fields, Consumer<WarcIngest.Item> out)
      throws IOException {
    LineReader r = new LineReader(in);
    long lineNo = 0;
    while (true) {
      String line;
      try {
        line = r.readLine();
      } catch (IOException e) {
        // a cut .jsonl.gz: the lines before the cut are kept, the cut one is the reject
        out.accept(new WarcIngest.Reject(file, lineNo + 1, null,
            WarcIngest.isTruncation(e) ? Reasons.TRUNCATED : Reasons.READ_ERROR, WarcIngest.oneLine(e)));
        return;
      }
      if (line == null) {
        return;
      }
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (line.length() > opts.maxRecordBytes()) {
        out.accept(new WarcIngest.Reject(file, lineNo, null, Reasons.TOO_LARGE, "line of " + line.length() + " characters"));
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        out.accept(new WarcIngest.Reject(file, lineNo, null, Reasons.BAD_LINE, "not JSON: " + WarcIngest.oneLine(e)));
        continue;
      }
      String url = node != null && node.hasNonNull(fields.url()) ? node.get(fields.url()).asText() : null;
      if (node == null || !node.isObject() || !node.hasNonNull(fields.text()) || !node.get(fields.text()).isTextual()) {
        out.accept(new WarcIngest.Reject(file, lineNo, url, Reasons.BAD_LINE, "no string field '" + fields.text() + "'"));
        continue;
      }
      String text = node.get(fields.text()).asText();
      int invalid = countReplacement(text);
      if (invalid > opts.maxInvalidByteFraction() * Math.max(1, text.length())) {
        out.accept(new WarcIngest.Reject(file, lineNo, url, Reasons.INVALID_ENCODING, invalid + " invalid UTF-8 sequences"));
        continue;
      }
      String id = node.hasNonNull(fields.id()) ? node.get(fields.id()).asText() : file + "\n" + lineNo;
      out.accept(new WarcIngest.Doc(WarcIngest.docId(id), url, null, "text/plain", "UTF-8", 0, null, text, invalid, file, lineNo));
    }
  }

  /**
   * UTF-8 lines from a byte stream, read in the chunks the stream hands out, so that every whole
   * line before a read error (a cut gzip member) is returned first; {@code BufferedReader} asks
   * for more bytes while the stream claims to have them and loses those lines.
   */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    LineReader(InputStream in) {
      this.in = in;
    }

    String readLine() throws IOException {
      while (true) {
        for (int i = pos; i < len; i++) {
          if (buf[i] == '\n') {
            line.write(buf, pos, i - pos);
            pos = i + 1;
            return take();
          }
        }
        line.write(buf, pos, len - pos);
        pos = len;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          return line.size() == 0 ? null : take();
        }
        pos = 0;
        len = n;
      }
    }

    private String take() {
      byte[] b = line.toByteArray();
      line.reset();
      int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
      return new String(b, 0, n, StandardCharsets.UTF_8); // invalid bytes become U+FFFD, counted below
    }
  }

  private static int countReplacement(String s) {
    int n = 0;
    for (int i = s.indexOf('\uFFFD'); i >= 0; i = s.indexOf('\uFFFD', i + 1)) {
      n++;
    }
    return n;
  }

  private static int peekInt(BufferedInputStream in) throws IOException {
    in.mark(4);
    byte[] b = in.readNBytes(4);
    in.reset();
    if (b.length < 4) {
      return 0;
    }
    return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
  }

  private static int peekShort(InputStream in) throws IOException {
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    return a < 0 || b < 0 ? -1 : (a << 8) | b;
  }

  private static String printable(byte[] b, int n) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < Math.min(n, 16); i++) {
      int c = b[i] & 0xFF;
      sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.append("'").toString();
  }
}
