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
}
