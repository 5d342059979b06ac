package org.sparklm.model.train;

import java.util.SplittableRandom;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.TokenRows;

/**
 * Token rows over an in-memory corpus, for tests and benchmarks: the corpus is cut into
 * non-overlapping rows of {@code seqLen + 1} ids (consecutive rows share one boundary token, as
 * packed shards do), and each epoch visits them in a seeded shuffled order. The whole corpus is
 * one "shard"; the cursor's {@code row} is the position in the epoch's order. With
 * {@code world > 1}, rank {@code r} sees every {@code world}-th row of that order starting at r.
 */
public final class ArrayTokenRows implements TokenRows {
  private final int[] corpus;
  private final int seqLen;
  private final long seed;
  private final int rank;
  private final int world;
  private final int rows;
  private long epoch;
  private long pos;
  private int[] order;

  public ArrayTokenRows(int[] corpus, int seqLen, long seed, ShardCursor from) {
    this(corpus, seqLen, seed, from, 0, 1);
  }

  public ArrayTokenRows(int[] corpus, int seqLen, long seed, ShardCursor from, int rank, int world) {
    if (corpus.length < seqLen + 1) {
      throw new IllegalArgumentException("corpus of " + corpus.length + " tokens is shorter than one row of " + (seqLen + 1));
    }
    this.corpus = corpus;
    this.seqLen = seqLen;
    this.seed = seed;
    this.rank = rank;
    this.world = world;
    this.rows = (corpus.length - 1) / seqLen;
    if (rows / world == 0) {
      throw new IllegalArgumentException(rows + " rows cannot be split over " + world + " ranks");
    }
    this.epoch = from.epoch();
    this.pos = from.row();
    this.order = order(epoch);
  }

  /** Rows per epoch seen by this rank. */
  public long rowsPerEpoch() {
    return rows / world;
  }

  private int[] order(long e) {
    int[] o = new int[rows];
    for (int i = 0; i < rows; i++) {
      o[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + e);
    for (int i = rows - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }

  @Override
  public int seqLen() {
    return seqLen;
  }

  @Override
  public void next(int[] dst) {
    if (pos >= rowsPerEpoch()) {
      epoch++;
      pos = 0;
      order = order(epoch);
    }
    int row = order[(int) (pos * world + rank)];
    System.arraycopy(corpus, row * seqLen, dst, 0, seqLen + 1);
    pos++;
  }

  @Override
  public ShardCursor cursor() {
    return pos >= rowsPerEpoch() ? new ShardCursor(epoch + 1, 0, 0) : new ShardCursor(epoch, 0, pos);
  }

  @Override
  public void close() {}

  /** A {@link TokenSource} over one corpus. */
  public static TokenSource source(int[] corpus, int seqLen, int vocabSize, long seed, String description) {
    return TokenSource.of(seqLen, vocabSize, description, from -> new ArrayTokenRows(corpus, seqLen, seed, from));
  }
}
