package org.sparklm.model.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * {@link TokenRows} over the Parquet shards of one split written by the {@code tokenize} job.
 *
 * <p>Order: in epoch {@code e}, shards come in a permutation seeded by {@code (seed, e)}, and the
 * rows of each shard in a permutation seeded by {@code (seed, e, shard)}. Rank {@code r} of
 * {@code w} takes every {@code w}-th row of that order starting at the {@code r}-th, so ranks
 * never share a row and each sees every shard (their row counts differ by at most one per shard).
 * Each rank reads every shard; shards are small next to training time (see docs/training.md).
 * One shard's rows are held in memory at a time.
 */
public final class TokenShardReader implements TokenRows {
  private final List<Path> shards;
  private final long[] shardRows;
  private final Configuration conf;
  private final long seed;
  private final int rank;
  private final int worldSize;
  private final int seqLen;

  private long epoch;
  private int shardPos;
  private long row;
  private int[] order = new int[0];   // shard order of the current epoch
  private int loadedPos = -1;          // shard position whose rows are in `rows`
  private int[] rows = new int[0];     // this rank's rows of the loaded shard, flattened

  private TokenShardReader(List<Path> shards, long[] shardRows, int seqLen, Configuration conf, long seed, int rank,
                           int worldSize, ShardCursor start) {
    this.shards = shards;
    this.shardRows = shardRows;
    this.seqLen = seqLen;
    this.conf = conf;
    this.seed = seed;
    this.rank = rank;
    this.worldSize = worldSize;
    this.epoch = start.epoch();
    this.shardPos = start.shard();
    this.row = start.row();
    if (shardPos >= shards.size()) {
      throw new IllegalArgumentException("cursor shard " + shardPos + " is past the split's " + shards.size() + " shards");
    }
    this.order = shardOrder(epoch);
    long mine = 0;
    for (int s = 0; s < shards.size(); s++) {
      mine += rowsOfRank(s);
    }
    if (mine == 0) { // e.g. 2 ranks over shards of 1 row each: rank 1 would wait forever
      throw new IllegalArgumentException("rank " + rank + " of " + worldSize + " gets no row: every shard of the split has "
          + "at most " + rank + " rows; write bigger shards (tokenize.shard_target_bytes) or use fewer ranks");
    }
    normalize();
  }

  /**
   * Opens the split folder {@code splitDir} (e.g. {@code .../tokens/train}); the shard list, row
   * counts and sequence length come from {@code manifest.json} in its parent folder.
   *
   * @throws IOException if the split has no manifest entry, no rows for this rank, or cannot be read
   */
  public static TokenShardReader open(String splitDir, Configuration conf, long seed, int rank, int worldSize,
                                      ShardCursor start) throws IOException {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("rank " + rank + " is not in 0.." + (worldSize - 1));
    }
    Path dir = new Path(splitDir);
    FileSystem fs = dir.getFileSystem(conf);
    dir = fs.makeQualified(dir);
    ShardManifest m = ShardManifest.read(new Path(dir.getParent(), ShardManifest.FILE_NAME), conf);
    ShardManifest.Split split = m.splits().get(dir.getName());
    if (split == null) {
      throw new IOException(dir + ": the manifest has no split '" + dir.getName() + "' (it has " + m.splits().keySet() + ")");
    }
    List<Path> shards = new ArrayList<>();
    long[] rows = new long[split.shards().size()];
    long total = 0;
    for (int i = 0; i < rows.length; i++) {
      ShardManifest.Shard s = split.shards().get(i);
      Path p = new Path(dir, s.file());
      FileStatus st = fs.getFileStatus(p); // fails early, naming the file, if a shard is missing
      if (st.getLen() != s.bytes()) {
        throw new IOException(p + " has " + st.getLen() + " bytes, the manifest says " + s.bytes() + ": the split was changed after it was written");
      }
      shards.add(p);
      rows[i] = s.rows();
      total += s.rows();
    }
    if (total < worldSize) {
      throw new IOException(dir + " has " + total + " rows, fewer than the " + worldSize + " ranks reading it");
    }
    return new TokenShardReader(shards, rows, m.seqLen(), conf, seed, rank, worldSize, start);
  }

  @Override
  public int seqLen() {
    return seqLen;
  }

  @Override
  public ShardCursor cursor() {
    return new ShardCursor(epoch, shardPos, row);
  }

  @Override
  public void next(int[] dst) throws IOException {
    if (dst.length != seqLen + 1) {
      throw new IllegalArgumentException("dst has length " + dst.length + ", rows have " + (seqLen + 1));
    }
    if (loadedPos != shardPos) {
      load();
    }
    System.arraycopy(rows, (int) row * (seqLen + 1), dst, 0, seqLen + 1);
    row++;
    normalize();
  }

  /** This rank's rows in shard {@code s}: every worldSize-th of its rows from the rank-th. */
  private long rowsOfRank(int s) {
    long n = shardRows[s];
    return n > rank ? (n - rank + worldSize - 1) / worldSize : 0;
  }

  /** Moves a cursor that stands past the end of its shard to the next row there is. */
  private void normalize() {
    while (row >= rowsOfRank(order[shardPos])) {
      row = 0;
      shardPos++;
      if (shardPos == shards.size()) {
        shardPos = 0;
        epoch++;
        order = shardOrder(epoch);
      }
      loadedPos = -1;
    }
  }

  private int[] shardOrder(long e) {
    return SplitMix64.permutation(shards.size(), SplitMix64.seed(seed, e));
  }

  /** Reads shard {@code order[shardPos]} and keeps this rank's rows in the seeded row order. */
  private void load() throws IOException {
    int s = order[shardPos];
    Path file = shards.get(s);
    int n = (int) shardRows[s];
    int width = seqLen + 1;
    int[] all = new int[n * width];
    int got = 0;
    try (ParquetReader<int[]> r = TokenShards.reader(file, conf)) {
      for (int[] v = r.read(); v != null; v = r.read()) {
        if (got == n) {
          throw new IOException(file + " has more rows than the manifest's " + n);
        }
        if (v.length != width) {
          throw new IOException(file + " row " + got + " has " + v.length + " ids, expected seq_len + 1 = " + width);
        }
        System.arraycopy(v, 0, all, got * width, width);
        got++;
      }
    }
    if (got != n) {
      throw new IOException(file + " has " + got + " rows, the manifest says " + n);
    }
    int[] perm = SplitMix64.permutation(n, SplitMix64.seed(seed, epoch, s));
    int mine = (int) rowsOfRank(s);
    if (rows.length < mine * width) {
      rows = new int[mine * width];
    }
    for (int j = 0; j < mine; j++) {
      System.arraycopy(all, perm[rank + j * worldSize] * width, rows, j * width, width);
    }
    loadedPos = shardPos;
  }

  @Override
  public void close() {
    rows = new int[0];
  }

  /** Shards in the split. */
  public int shardCount() {
    return shards.size();
  }
}
