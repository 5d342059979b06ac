package org.sparklm.udfs.tokenize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.TokenizerJson;

/**
 * Tokenizers by content: executors parse a {@code tokenizer.json} once per JVM however many tasks
 * and functions use it (a 32k vocabulary takes ~100 ms to parse).
 */
public final class Tokenizers {
  private Tokenizers() {}

  private static final ConcurrentHashMap<String, BpeTokenizer> BY_SHA = new ConcurrentHashMap<>();
  /**
   * By array identity: a function or task calls this once per row with the same array (its own
   * deserialised copy), and hashing a 1 MB tokenizer.json per row would cost more than encoding.
   */
  private static final Map<byte[], BpeTokenizer> BY_ARRAY = Collections.synchronizedMap(new WeakHashMap<>());

  /** The tokenizer of these {@code tokenizer.json} bytes, parsed once per JVM. */
  public static BpeTokenizer fromJson(byte[] json) {
    BpeTokenizer t = BY_ARRAY.get(json);
    if (t == null) {
      t = BY_SHA.computeIfAbsent(TokenizerJson.sha256(json), k -> BpeTokenizer.fromJson(json));
      BY_ARRAY.put(json, t);
    }
    return t;
  }

  /**
   * The {@code tokenizer.json} bytes of {@code path}: a tokenizer folder (as train-tokenizer
   * writes it) or the file itself, on any Hadoop file system.
   *
   * @throws IOException naming the path when there is no tokenizer there
   */
  public static byte[] readJson(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
      p = new Path(p, TokenizerJson.FILE_NAME);
    }
    if (!fs.exists(p)) {
      throw new IOException("no tokenizer at '" + path + "' (" + p + " does not exist): run train-tokenizer, "
          + "or set tokenizer.path to a folder holding tokenizer.json");
    }
    try (InputStream in = fs.open(p)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toByteArray();
    }
  }
}
