package org.sparklm.model.data;

import java.io.IOException;

/**
 * Packed token rows of one split for one rank: each row holds {@code seqLen() + 1} token ids (the
 * inputs and, shifted by one, the targets of a training sequence). Rows come in a seeded,
 * reproducible order; at the end of the data the next epoch starts in a new seeded order, so
 * {@code next()} never runs dry. Implemented over Parquet shards by the tokenize stage's reader
 * and over arrays for tests.
 */
public interface TokenRows extends AutoCloseable {
  /** The sequence length; every row has {@code seqLen() + 1} ids. */
  int seqLen();

  /** Copies the next row into {@code dst} (length {@code seqLen() + 1}). */
  void next(int[] dst) throws IOException;

  /** The position of the row the next call to {@link #next} returns. */
  ShardCursor cursor();

  @Override
  void close() throws IOException;
}
