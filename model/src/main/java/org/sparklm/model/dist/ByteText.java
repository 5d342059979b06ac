package org.sparklm.model.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TokenSource;

/**
 * Plain text files read as UTF-8 bytes, one token per byte (vocabulary 256): training data that
 * needs no tokenizer, for tests, benchmarks and the demo until the tokenize stage's shards are
 * wired in (those plug in as another {@link RankedData}).
 *
 * <p>Split by rank as {@link ArrayTokenRows} does: each epoch's seeded order of rows is dealt
 * round-robin, rank {@code r} taking rows {@code r, r + n, r + 2n, ...}. So {@code n} ranks with
 * micro-batch {@code B} together read, in each step, exactly the {@code n·B} rows one rank with
 * micro-batch {@code n·B} would: the same global batch.
 */
public record ByteText(List<String> paths, int seqLen, long seed) implements RankedData {
  public static final int VOCAB = 256;

  public ByteText {
    paths = List.copyOf(paths);
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("no input text files");
    }
  }

  @Override
  public TokenSource open(int rank, int world, Configuration conf) throws IOException {
    int[] corpus = read(conf);
    return TokenSource.of(seqLen, VOCAB, describe() + " (rank " + rank + " of " + world + ")",
        from -> new ArrayTokenRows(corpus, seqLen, seed, from, rank, world));
  }

  /** Every file's bytes, in path order (a folder: its files in name order). */
  int[] read(Configuration conf) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String p : paths) {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] files = fs.isDirectory(path) ? fs.listStatus(path) : new FileStatus[] {fs.getFileStatus(path)};
      java.util.Arrays.sort(files, java.util.Comparator.comparing(f -> f.getPath().getName()));
      for (FileStatus f : files) {
        if (f.isFile() && !f.getPath().getName().startsWith(".") && !f.getPath().getName().startsWith("_")) {
          try (InputStream in = fs.open(f.getPath())) {
            in.transferTo(all);
          }
        }
      }
    }
    byte[] b = all.toByteArray();
    if (b.length < seqLen + 1) {
      throw new IOException("input " + paths + " holds " + b.length + " bytes, fewer than one training row of "
          + (seqLen + 1) + " tokens");
    }
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = b[i] & 0xff;
    }
    return ids;
  }

  @Override
  public String describe() {
    return "text bytes of " + String.join(", ", paths);
  }
}
