package org.sparklm.model.score;

import java.nio.charset.StandardCharsets;
import org.sparklm.model.tokenizer.BpeTokenizer;

/**
 * The byte-level BPE tokenizer of the tokenize stage as a {@link TextEncoder}: the encoder of a
 * checkpoint trained on token shards, loaded from the {@code tokenizer.json} the checkpoint
 * carries ({@link Encoders#forCheckpoint}).
 *
 * <p>Bytes: a token counts the UTF-8 bytes it stands for, so a document's scored tokens add up to
 * its text's UTF-8 length and bits per byte means the same whatever the tokenizer. Special tokens
 * ({@code <|endoftext|>}) stand for no text and count 0 bytes.
 */
public final class BpeEncoder implements TextEncoder {
  private final BpeTokenizer tokenizer;
  private final int[] bytes;
  private final String[] pieces;

  public BpeEncoder(BpeTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    int n = tokenizer.vocabSize();
    bytes = new int[n];
    pieces = new String[n];
    for (int id = 0; id < n; id++) {
      byte[] b = tokenizer.tokenBytes(id);
      bytes[id] = b.length;
      pieces[id] = new String(b, StandardCharsets.UTF_8);
    }
    for (int id : tokenizer.specialTokens().values()) {
      bytes[id] = 0;
    }
  }

  @Override
  public int[] encode(String text) {
    return tokenizer.encode(text);
  }

  @Override
  public String hash() {
    return tokenizer.sha256();
  }

  @Override
  public int vocabSize() {
    return tokenizer.vocabSize();
  }

  @Override
  public int byteLength(int id) {
    return id >= 0 && id < bytes.length ? bytes[id] : 0;
  }

  @Override
  public String piece(int id) {
    // a token ending mid-character shows U+FFFD for the cut bytes
    return id >= 0 && id < pieces.length ? pieces[id] : "<" + id + ">";
  }

  @Override
  public int bos() {
    return tokenizer.eotId(); // GPT-2's convention: <|endoftext|> before a document, so its first token is scored
  }
}
