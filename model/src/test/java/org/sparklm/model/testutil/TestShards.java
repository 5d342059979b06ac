package org.sparklm.model.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.data.TokenShards;

/**
 * Real Parquet token shards for reader tests: a {@code train/} split of shards with the given row
 * counts and its {@code manifest.json}. Row r's ids are r * 100 + column, so a row says which it is.
 */
public final class TestShards {
  private TestShards() {}

  public static int[] row(int r, int seqLen) {
    int[] v = new int[seqLen + 1];
    for (int i = 0; i < v.length; i++) {
      v[i] = r * 100 + i;
    }
    return v;
  }

  /** Writes {@code dir/train/shard-0000N.parquet} and {@code dir/manifest.json}; returns the split folder. */
  public static java.nio.file.Path write(java.nio.file.Path dir, int seqLen, int[] sizes, ShardManifest.TokenizerInfo tokenizer,
                                         Configuration conf) throws IOException {
    java.nio.file.Path split = Files.createDirectories(dir.resolve("train"));
    List<ShardManifest.Shard> shards = new ArrayList<>();
    int next = 0;
    long rowsTotal = 0;
    for (int s = 0; s < sizes.length; s++) {
      List<int[]> rows = new ArrayList<>();
      for (int i = 0; i < sizes[s]; i++) {
        rows.add(row(next++, seqLen));
      }
      String name = String.format("shard-%05d.parquet", s);
      TokenShards.write(new Path(split.resolve(name).toUri()), conf, rows.iterator(), 1 << 20);
      shards.add(new ShardManifest.Shard(name, sizes[s], sizes[s] * (seqLen + 1L), Files.size(split.resolve(name))));
      rowsTotal += sizes[s];
    }
    new ShardManifest(ShardManifest.FORMAT, seqLen, 1, tokenizer, List.of("docs"),
        Map.of("train", new ShardManifest.Split(5, 0, 100, rowsTotal * (seqLen + 1), rowsTotal, 3, shards)))
        .write(new Path(dir.resolve(ShardManifest.FILE_NAME).toUri()), conf);
    return split;
  }
}
