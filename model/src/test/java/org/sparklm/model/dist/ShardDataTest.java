package org.sparklm.model.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.testutil.TestShards;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.data.TokenRows;
import org.sparklm.model.train.TokenSource;

/**
 * Token shards dealt over ranks, on real Parquet shards whose row counts (10, 7, 13) do not
 * divide by the number of ranks: in every step the ranks' micro-batches together are the one
 * worker's batch of the same global size, every rank stands at the same cursor, and a reader
 * reopened at that cursor continues exactly.
 */
class ShardDataTest {
  static final int SEQ = 5;
  static final int ROWS = 30;
  static final Configuration CONF = new Configuration();

  @TempDir
  java.nio.file.Path dir;
  ShardData data;

  static int[] row(int r) {
    return TestShards.row(r, SEQ);
  }

  @BeforeEach
  void writeShards() throws IOException {
    java.nio.file.Path split = TestShards.write(dir, SEQ, new int[] {10, 7, 13}, new ShardManifest.TokenizerInfo("t", "abc", 3000, 3008, 2999), CONF);
    data = new ShardData(split.toString(), SEQ, 3008, 42);
  }

  static List<Integer> take(TokenRows r, int n) throws IOException {
    List<Integer> out = new ArrayList<>();
    int[] dst = new int[r.seqLen() + 1];
    for (int i = 0; i < n; i++) {
      r.next(dst);
      assertEquals(dst[0] + SEQ, dst[SEQ], "a row came back mixed");
      out.add(dst[0] / 100);
    }
    return out;
  }

  @Test
  void ranksTogetherReadTheOneWorkerBatchesAndShareOneCursor() throws IOException {
    for (int world : new int[] {2, 3, 4}) {
      int micro = 2;
      TokenRows one = data.open(0, 1, CONF).open(ShardCursor.START);
      List<TokenRows> ranks = new ArrayList<>();
      for (int r = 0; r < world; r++) {
        ranks.add(data.open(r, world, CONF).open(ShardCursor.START));
      }
      Set<Integer> seen = new HashSet<>();
      // 3 epochs' worth of steps: crosses every shard boundary and two epoch boundaries
      for (int step = 0; step < 3 * ROWS / (world * micro); step++) {
        List<Integer> batch = take(one, world * micro);
        List<Integer> union = new ArrayList<>();
        for (int r = 0; r < world; r++) {
          List<Integer> mine = take(ranks.get(r), micro);
          for (int i = 0; i < micro; i++) {
            assertEquals(batch.get(i * world + r), mine.get(i), "rank " + r + " of " + world + ", step " + step);
          }
          union.addAll(mine);
          if (step < ROWS / (world * micro)) {
            mine.forEach(x -> assertTrue(seen.add(x), "row " + x + " read twice in the first epoch"));
          }
        }
        assertEquals(new HashSet<>(batch), new HashSet<>(union));
        for (TokenRows r : ranks) {
          assertEquals(one.cursor(), r.cursor(), "every rank stands where the one worker does (step " + step + ")");
        }
      }
      one.close();
      for (TokenRows r : ranks) {
        r.close();
      }
    }
  }

  @Test
  void everyRankResumesFromTheOneCursor() throws IOException {
    int world = 2;
    List<List<Integer>> rest = new ArrayList<>();
    ShardCursor at = null;
    for (int r = 0; r < world; r++) {
      try (TokenRows rows = data.open(r, world, CONF).open(ShardCursor.START)) {
        take(rows, 11); // 22 of the epoch's 30 rows: mid-shard
        at = rows.cursor();
        rest.add(take(rows, 20));
      }
    }
    for (int r = 0; r < world; r++) {
      TokenSource src = data.open(r, world, CONF);
      try (TokenRows rows = src.open(at)) {
        assertEquals(at, rows.cursor());
        assertEquals(rest.get(r), take(rows, 20), "rank " + r + " resumed at " + at);
      }
    }
  }

  @Test
  void aRankOutsideTheWorldIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> data.open(2, 2, CONF));
    assertTrue(data.open(1, 2, CONF).describe().contains("rank 1 of 2"));
  }
}
