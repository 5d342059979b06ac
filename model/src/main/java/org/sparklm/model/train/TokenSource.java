package org.sparklm.model.train;

import java.io.IOException;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.TokenRows;

/**
 * Where training rows come from: opens a {@link TokenRows} reader positioned at a cursor, so a
 * resumed run reads exactly the rows an uninterrupted one would have. The tokenize stage's
 * Parquet shards and {@link ArrayTokenRows} both plug in here.
 */
public interface TokenSource {
  /** Tokens per row, not counting the extra target id. */
  int seqLen();

  /** Every id is below this (the tokenizer's vocabulary size). */
  int vocabSize();

  /** A reader whose first {@code next()} returns the row at {@code from}. */
  TokenRows open(ShardCursor from) throws IOException;

  /** One line for logs, e.g. the folder the shards are in. */
  String describe();

  /** Opens a reader at a cursor (the one varying part of a source). */
  @FunctionalInterface
  interface Opener {
    TokenRows open(ShardCursor from) throws IOException;
  }

  /** A source of rows of {@code seqLen} ids below {@code vocabSize}, read by {@code opener}. */
  static TokenSource of(int seqLen, int vocabSize, String description, Opener opener) {
    return new TokenSource() {
      @Override
      public int seqLen() {
        return seqLen;
      }

      @Override
      public int vocabSize() {
        return vocabSize;
      }

      @Override
      public TokenRows open(ShardCursor from) throws IOException {
        return opener.open(from);
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }
}
