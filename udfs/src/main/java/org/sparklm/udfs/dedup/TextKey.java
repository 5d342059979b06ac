package org.sparklm.udfs.dedup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The text two documents must share to count as exact copies: Unicode NFKC, case-folded,
 * whitespace collapsed to single spaces and trimmed. So "Ｆｕｌｌ-width", "FULL-WIDTH" and
 * "full-width" are one text, and so are two pages differing only in line breaks or indentation.
 */
public final class TextKey {
  private TextKey() {}

  /** NFKC, case-folded, runs of whitespace as one space, trimmed; null stays null. */
  public static String normalize(String text) {
    if (text == null) {
      return null;
    }
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
    // Java has no full Unicode case folding; upper-then-lower is the usual approximation that
    // folds the cases that matter for text ('ß' -> "ss", final sigma, Turkish-free in ROOT).
    s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = sb.length() > 0;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The exact-duplicate key: SHA-256 of the normalized text (UTF-8), first 128 bits as 32 hex
   * digits. 128 bits, not 64: at a billion documents a 64-bit key collides with a chance of a few
   * percent, and a collision here silently deletes a document.
   */
  public static String hash(String text) {
    return text == null ? null : hashOfNormalized(normalize(text));
  }

  /** {@link #hash} of a text already passed through {@link #normalize}. */
  public static String hashOfNormalized(String normalized) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest(normalized.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
