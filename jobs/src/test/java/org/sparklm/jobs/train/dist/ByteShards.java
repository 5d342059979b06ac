package org.sparklm.jobs.train.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.data.TokenShards;

/**
 * A tokenize output folder made without a tokenizer, for the data-parallel tests: a text file's
 * UTF-8 bytes as token ids (vocabulary 256, so the {@code tiny} preset fits) packed into rows of
 * {@code seqLen + 1} ids in {@code train/} Parquet shards of unequal, odd row counts (so that
 * shard boundaries fall mid-step for two ranks), one row in {@code val/}, and a
 * {@code manifest.json} naming a stand-in {@code tokenizer.json} (beside the splits) of SHA-256
 * {@link #SHA256}, which the trainers copy into their checkpoints.
 */
final class ByteShards {
  static final byte[] TOKENIZER_JSON = "{\"stand-in\": \"bytes as ids, for tests\"}\n"
      .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  static final String SHA256 = org.sparklm.model.tokenizer.TokenizerJson.sha256(TOKENIZER_JSON);

  private ByteShards() {}

  static Path write(Path text, Path out, int seqLen) throws IOException {
    byte[] b = Files.readAllBytes(text);
    int rows = (b.length - 1) / seqLen;
    List<int[]> all = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int[] row = new int[seqLen + 1];
      for (int j = 0; j <= seqLen; j++) {
        row[j] = b[r * seqLen + j] & 0xff;
      }
      all.add(row);
    }
    Configuration conf = new Configuration();
    // train: three shards of about 45%, 20% and 35% of the rows less one, each count made odd
    List<int[]> train = all.subList(0, rows - 1);
    int a = (int) (train.size() * 0.45) | 1;
    int c = (int) (train.size() * 0.20) | 1;
    List<List<int[]>> parts = List.of(train.subList(0, a), train.subList(a, a + c), train.subList(a + c, train.size()));
    ShardManifest.Split trainSplit = split(out.resolve("train"), parts, conf);
    ShardManifest.Split valSplit = split(out.resolve("val"), List.of(all.subList(rows - 1, rows)), conf);
    Path tokenizer = Files.write(out.resolve("tokenizer.json"), TOKENIZER_JSON);
    ShardManifest m = new ShardManifest(ShardManifest.FORMAT, seqLen, 1,
        new ShardManifest.TokenizerInfo(tokenizer.toString(), SHA256, 256, 256, 10), List.of(text.toString()),
        Map.of("train", trainSplit, "val", valSplit));
    m.write(new org.apache.hadoop.fs.Path(out.resolve(ShardManifest.FILE_NAME).toUri()), conf);
    return out;
  }

  private static ShardManifest.Split split(Path dir, List<List<int[]>> parts, Configuration conf) throws IOException {
    Files.createDirectories(dir);
    List<ShardManifest.Shard> shards = new ArrayList<>();
    long rows = 0;
    for (int s = 0; s < parts.size(); s++) {
      String name = String.format("part-%05d.parquet", s);
      Path f = dir.resolve(name);
      TokenShards.write(new org.apache.hadoop.fs.Path(f.toUri()), conf, parts.get(s).iterator(), 1 << 20);
      int n = parts.get(s).size();
      long tokens = (long) n * parts.get(s).get(0).length;
      shards.add(new ShardManifest.Shard(name, n, tokens, Files.size(f)));
      rows += n;
    }
    return new ShardManifest.Split(1, 0, rows, rows * parts.get(0).get(0).length, rows, 0, shards);
  }
}
