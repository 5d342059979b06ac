package org.sparklm.udfs.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses a page's charset the way browsers do first (HTTP header, then a {@code <meta>} tag in
 * the first bytes, then UTF-8) and decodes it, counting the bytes that were not valid in it.
 */
public final class Charsets {
  private Charsets() {}

  /** How far into a page to look for {@code <meta charset>} (the HTML spec pre-scans 1024 bytes). */
  static final int META_SCAN_BYTES = 4096;

  private static final Pattern META_CHARSET = Pattern.compile(
      "<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:\\-]+)", Pattern.CASE_INSENSITIVE);

  /** The text and how it was decoded. */
  public record Decoded(String text, Charset charset, String charsetSource, int invalidBytes) {}

  /** A charset name as found in a header or tag, or null if Java does not know it. */
  public static Charset lookup(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String n = name.trim().replace("\"", "").replace("'", "");
    try {
      // browsers treat iso-8859-1 and us-ascii labels as windows-1252 (WHATWG Encoding)
      String lower = n.toLowerCase(Locale.ROOT);
      if (lower.equals("iso-8859-1") || lower.equals("latin1") || lower.equals("us-ascii") || lower.equals("ascii")) {
        return Charset.forName("windows-1252");
      }
      return Charset.forName(n);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return null;
    }
  }

  /** The charset named by {@code <meta charset>} or {@code http-equiv} in the first bytes, if any. */
  public static Charset sniffMeta(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, META_SCAN_BYTES), StandardCharsets.ISO_8859_1);
    Matcher m = META_CHARSET.matcher(head);
    return m.find() ? lookup(m.group(1)) : null;
  }

  /** Decodes with the header charset, else the meta charset, else UTF-8; bad bytes become U+FFFD. */
  public static Decoded decode(byte[] body, String headerCharset) {
    Charset cs = lookup(headerCharset);
    String source = "http";
    if (cs == null) {
      cs = sniffMeta(body);
      source = "meta";
    }
    if (cs == null) {
      cs = StandardCharsets.UTF_8;
      source = "default";
    }
    if (startsWith(body, 0xEF, 0xBB, 0xBF)) {
      cs = StandardCharsets.UTF_8;
      source = "bom";
    }
    return decodeAs(body, cs, source);
  }

  /** Decodes {@code body} as {@code cs}, replacing and counting the malformed and unmappable bytes. */
  public static Decoded decodeAs(byte[] body, Charset cs, String source) {
    CharsetDecoder dec = cs.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    if (cs == StandardCharsets.UTF_8 && startsWith(body, 0xEF, 0xBB, 0xBF)) {
      in.position(3);
    }
    CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, (long) body.length * (long) Math.ceil(dec.maxCharsPerByte()) + 16));
    int invalid = 0;
    while (true) {
      CoderResult r = dec.decode(in, out, true);
      if (r.isUnderflow()) {
        break;
      }
      if (r.isOverflow()) {
        throw new IllegalStateException("decode buffer too small");
      }
      invalid += r.length();
      out.put('\uFFFD');
      in.position(in.position() + r.length());
    }
    dec.flush(out);
    out.flip();
    return new Decoded(out.toString(), cs, source, invalid);
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
