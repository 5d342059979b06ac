package org.sparklm.model.tokenizer;

/**
 * GPT-2's reversible map between bytes and printable characters: the 188 bytes that are printable
 * Latin-1 stand for themselves, the other 68 (controls, space, soft hyphen...) are moved to
 * U+0100 and up, in byte order. Hugging Face's {@code ByteLevel} pre-tokenizer and decoder use the
 * same map, so the vocabulary strings in {@code tokenizer.json} are these characters.
 */
public final class ByteLevel {
  private ByteLevel() {}

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + n++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  /** The character that stands for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The byte a character stands for, or -1 if it stands for none. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** Bytes to their characters: the form tokens take in {@code tokenizer.json}. */
  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(out);
  }

  /** The bytes a byte-level token string stands for. */
  public static byte[] decode(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < out.length; i++) {
      int b = byteOf(token.charAt(i));
      if (b < 0) {
        throw new IllegalArgumentException("not a byte-level token: '" + token + "' (character U+"
            + Integer.toHexString(token.charAt(i)) + " at " + i + ")");
      }
      out[i] = (byte) b;
    }
    return out;
  }
}
