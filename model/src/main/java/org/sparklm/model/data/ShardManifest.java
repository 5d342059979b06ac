package org.sparklm.model.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code manifest.json} of a tokenize output: what the shards hold and how they were made. The
 * trainer checks {@code tokenizer.sha256} and {@code seq_len} against its own settings; the shard
 * reader takes the shard list and row counts from here instead of opening every file.
 */
public record ShardManifest(
    String format,
    int seqLen,
    long seed,
    TokenizerInfo tokenizer,
    List<String> sources,
    Map<String, Split> splits) {

  public static final String FILE_NAME = "manifest.json";
  public static final String FORMAT = "sparklm-token-shards/1";
  public static final List<String> SPLITS = List.of("train", "val", "heldout");

  /** The tokenizer the ids come from. */
  public record TokenizerInfo(String path, String sha256, int vocabSize, int paddedVocabSize, int eotId) {}

  /**
   * One split: the documents that went in, the tokens they made (each document's ids plus one
   * {@code <|endoftext|>}), the rows written and the tokens of the last partial row, dropped.
   */
  public record Split(long documents, long emptyDocuments, long textBytes, long tokens, long rows, long droppedTokens,
                      List<Shard> shards) {}

  /** One Parquet file of a split (a name inside the split's folder). */
  public record Shard(String file, long rows, long tokens, long bytes) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static ShardManifest read(Path file, Configuration conf) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    try (InputStream in = fs.open(file)) {
      ShardManifest m = JSON.readValue(in, ShardManifest.class);
      if (!FORMAT.equals(m.format())) {
        throw new IOException(file + ": format '" + m.format() + "' is not " + FORMAT);
      }
      return m;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + " is not a valid manifest: " + e.getOriginalMessage(), e);
    }
  }

  /** The manifest of an output folder ({@code dir/manifest.json}). */
  public static ShardManifest readDir(String dir, Configuration conf) throws IOException {
    return read(new Path(dir, FILE_NAME), conf);
  }

  public void write(Path file, Configuration conf) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    try (OutputStream out = fs.create(file, true)) {
      out.write(toJson());
    }
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
