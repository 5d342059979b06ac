package org.sparklm.model.dist;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.TokenRows;
import org.sparklm.model.data.TokenShardReader;
import org.sparklm.model.train.TokenSource;

/**
 * One split of the tokenize job's token shards ({@code manifest.json} + Parquet), split over
 * ranks by dealing: the split is read in the one-worker job's seeded order
 * ({@link TokenShardReader}, rank 0 of 1, the same seed), and its rows are dealt round-robin,
 * rank {@code r} of {@code n} taking rows {@code r, r + n, r + 2n, ...} ({@link DealtRows}).
 *
 * <p>So the ranks' slices are disjoint, {@code n} ranks with micro-batch {@code B} read in every
 * step exactly the {@code n·B} rows one worker with micro-batch {@code n·B} reads (across shard
 * and epoch boundaries too, whatever the shards' row counts), and every rank's cursor, the
 * position in that one order after the rows dealt so far, is the same: the one cursor in a
 * checkpoint positions every rank. (The shard reader's own rank mode, every n-th row of each
 * shard, gives ranks different cursors when a shard's rows do not divide by n.) Each rank
 * decodes every shard and keeps its share of the rows, as that mode does too.
 */
public record ShardData(String splitDir, int seqLen, int vocabSize, long seed) implements RankedData {
  @Override
  public TokenSource open(int rank, int world, Configuration conf) {
    if (world < 1 || rank < 0 || rank >= world) {
      throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (world - 1));
    }
    return TokenSource.of(seqLen, vocabSize, describe() + " (rank " + rank + " of " + world + ": every " + world
            + "th row from the " + rank + "th)",
        from -> new DealtRows(TokenShardReader.open(splitDir, conf, seed, 0, 1, from), rank, world));
  }

  @Override
  public String describe() {
    return "token shards " + splitDir;
  }

  /**
   * Rows of one order dealt to {@code world} ranks: each {@link #next} consumes {@code world}
   * rows of {@code all} and keeps the {@code rank}-th. The cursor is {@code all}'s, a position
   * of that one order, equal on every rank after the same number of calls.
   */
  public static final class DealtRows implements TokenRows {
    private final TokenRows all;
    private final int rank;
    private final int world;
    private final int[] skipped;

    public DealtRows(TokenRows all, int rank, int world) {
      this.all = all;
      this.rank = rank;
      this.world = world;
      this.skipped = new int[all.seqLen() + 1];
    }

    @Override
    public int seqLen() {
      return all.seqLen();
    }

    @Override
    public void next(int[] dst) throws IOException {
      for (int i = 0; i < rank; i++) {
        all.next(skipped);
      }
      all.next(dst);
      for (int i = rank + 1; i < world; i++) {
        all.next(skipped);
      }
    }

    @Override
    public ShardCursor cursor() {
      return all.cursor();
    }

    @Override
    public void close() throws IOException {
      all.close();
    }
  }
}
