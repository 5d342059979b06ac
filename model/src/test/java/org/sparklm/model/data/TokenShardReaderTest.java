package org.sparklm.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
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

/** The reader over real Parquet shards written by {@link TokenShards}. */
class TokenShardReaderTest {
  static final int SEQ = 7;
  static final Configuration CONF = new Configuration();

  @TempDir
  java.nio.file.Path dir;
  String train;

  static int[] row(int r) {
    return TestShards.row(r, SEQ);
  }

  @BeforeEach
  void writeShards() throws IOException {
    train = TestShards.write(dir, SEQ, new int[] {10, 7, 13}, new ShardManifest.TokenizerInfo("t", "abc", 300, 320, 299), CONF).toString();
  }

  static List<Integer> take(TokenRows r, int n) throws IOException {
    List<Integer> out = new ArrayList<>();
    int[] dst = new int[r.seqLen() + 1];
    for (int i = 0; i < n; i++) {
      r.next(dst);
      for (int j = 0; j < dst.length; j++) {
        assertEquals(dst[0] + j, dst[j], "a row came back mixed");
      }
      out.add(dst[0] / 100);
    }
    return out;
  }

  @Test
  void anEpochIsEveryRowOnceInASeededOrder() throws IOException {
    try (TokenShardReader a = TokenShardReader.open(train, CONF, 42, 0, 1, ShardCursor.START);
         TokenShardReader b = TokenShardReader.open(train, CONF, 42, 0, 1, ShardCursor.START);
         TokenShardReader c = TokenShardReader.open(train, CONF, 43, 0, 1, ShardCursor.START)) {
      assertEquals(SEQ, a.seqLen());
      List<Integer> epoch = take(a, 30);
      assertEquals(30, new HashSet<>(epoch).size());
      assertEquals(epoch, take(b, 30));
      assertNotEquals(epoch, take(c, 30));
      assertEquals(new ShardCursor(1, 0, 0), a.cursor());
      List<Integer> epoch2 = take(a, 30); // never runs dry: the next epoch, in a new order
      assertEquals(new HashSet<>(epoch), new HashSet<>(epoch2));
      assertNotEquals(epoch, epoch2);
    }
  }

  @Test
  void ranksSplitTheRowsWithoutOverlap() throws IOException {
    Set<Integer> all = new HashSet<>();
    int total = 0;
    for (int rank = 0; rank < 3; rank++) {
      try (TokenShardReader r = TokenShardReader.open(train, CONF, 42, rank, 3, ShardCursor.START)) {
        // rows of this rank in epoch 0: per shard ceil((n - rank) / 3) of 10, 7, 13
        int mine = 0;
        for (int n : new int[] {10, 7, 13}) {
          mine += (n - rank + 2) / 3;
        }
        List<Integer> rows = take(r, mine);
        assertEquals(new ShardCursor(1, 0, 0), r.cursor());
        total += rows.size();
        for (int x : rows) {
          assertTrue(all.add(x), "row " + x + " read by two ranks");
        }
      }
    }
    assertEquals(30, total);
    assertEquals(30, all.size());
  }

  @Test
  void resumesExactlyAtACursor() throws IOException {
    try (TokenShardReader a = TokenShardReader.open(train, CONF, 7, 1, 2, ShardCursor.START)) {
      take(a, 9);
      ShardCursor at = a.cursor();
      List<Integer> rest = take(a, 25);
      try (TokenShardReader b = TokenShardReader.open(train, CONF, 7, 1, 2, at)) {
        assertEquals(at, b.cursor());
        assertEquals(rest, take(b, 25));
      }
    }
  }

  @Test
  void problemsNameTheFile() throws IOException {
    IOException e = assertThrows(IOException.class, () -> TokenShardReader.open(train, CONF, 1, 0, 31, ShardCursor.START));
    assertTrue(e.getMessage().contains("30 rows"), e.getMessage());
    Files.write(dir.resolve("train/shard-00001.parquet"), new byte[] {1, 2, 3});
    e = assertThrows(IOException.class, () -> TokenShardReader.open(train, CONF, 1, 0, 1, ShardCursor.START));
    assertTrue(e.getMessage().contains("shard-00001.parquet"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TokenShardReader.open(train, CONF, 1, 2, 2, ShardCursor.START));
  }

  @Test
  void sameRowsGiveTheSameFileBytes() throws IOException {
    List<int[]> rows = List.of(row(1), row(2), row(3));
    java.nio.file.Path a = dir.resolve("a.parquet");
    java.nio.file.Path b = dir.resolve("b.parquet");
    TokenShards.write(new Path(a.toUri()), CONF, rows.iterator(), 1 << 20);
    TokenShards.write(new Path(b.toUri()), CONF, rows.iterator(), 1 << 20);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }
}
