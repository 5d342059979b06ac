package org.sparklm.model.score;

import java.nio.charset.StandardCharsets;

/**
 * The byte-level encoder: ids are the text's UTF-8 bytes (0..255), the vocabulary a byte model
 * (the {@code tiny} preset, vocab 256) is trained on. Written here because it is three lines; the
 * BPE tokenizer of the tokenize stage plugs in through {@link TextEncoder} the same way ({@link BpeEncoder}).
 */
public final class ByteEncoder implements TextEncoder {
  /** The tokenizer hash of byte-level ids; a checkpoint with no tokenizer hash is read as this. */
  public static final String HASH = "bytes-utf8";
  public static final ByteEncoder INSTANCE = new ByteEncoder();

  private ByteEncoder() {}

  @Override
  public int[] encode(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = b[i] & 0xff;
    }
    return ids;
  }

  @Override
  public String hash() {
    return HASH;
  }

  @Override
  public int vocabSize() {
    return 256;
  }

  @Override
  public int byteLength(int id) {
    return 1;
  }

  @Override
  public String piece(int id) {
    // ASCII shows as itself; a byte of a multi-byte character as its hex value
    return id < 0x80 ? String.valueOf((char) id) : String.format("\\x%02x", id);
  }

  @Override
  public int bos() {
    return -1; // all 256 ids are bytes: there is no spare id for a document separator
  }
}
