package org.sparklm.model.score;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.TokenizerJson;

/**
 * The text encoder of a checkpoint: the byte-level encoder for byte models (no tokenizer hash,
 * or {@link ByteEncoder#HASH}), else the BPE tokenizer whose {@code tokenizer.json} the checkpoint
 * carries ({@link Checkpoint#TOKENIZER}), checked against the hash its {@code state.json} records.
 * Tokenizers are parsed once per JVM (an executor scores many partitions with the same one).
 */
public final class Encoders {
  private static final ConcurrentHashMap<String, TextEncoder> BY_HASH = new ConcurrentHashMap<>();

  private Encoders() {}

  /**
   * The encoder whose {@link TextEncoder#hash()} is {@code hash}: the byte-level one, or a BPE
   * tokenizer this JVM already loaded through {@link #forCheckpoint}.
   *
   * @throws IllegalArgumentException naming the hash when no encoder for it is loaded
   */
  public static TextEncoder forHash(String hash) {
    if (isBytes(hash)) {
      return ByteEncoder.INSTANCE;
    }
    TextEncoder e = BY_HASH.get(hash);
    if (e == null) {
      throw new IllegalArgumentException("no text encoder for tokenizer hash '" + hash + "' is loaded: "
          + "load it from a checkpoint that carries its " + Checkpoint.TOKENIZER);
    }
    return e;
  }

  /**
   * The encoder for raw text scored with checkpoint {@code info}.
   *
   * @throws IllegalArgumentException with a one-line reason when the checkpoint names a tokenizer
   *     but carries no {@code tokenizer.json}, or one whose SHA-256 is not the recorded hash
   */
  public static TextEncoder forCheckpoint(ScoringCheckpoint.Info info, Configuration conf) {
    String hash = info.tokenizerHash();
    if (isBytes(hash)) {
      return ByteEncoder.INSTANCE;
    }
    TextEncoder cached = BY_HASH.get(hash);
    if (cached != null) {
      return cached;
    }
    byte[] json;
    try {
      Path file = Checkpoint.tokenizerFile(new Path(info.path()), conf);
      if (file == null) {
        throw new IllegalArgumentException("checkpoint " + info.path() + " was trained with tokenizer " + hash
            + " but carries no " + Checkpoint.TOKENIZER + ", so raw text cannot be tokenized for it: copy the run's "
            + Checkpoint.TOKENIZER + " (the tokenize output's manifest.json names it) into the checkpoint folder, "
            + "or score token shards made with that tokenizer");
      }
      try (InputStream in = file.getFileSystem(conf).open(file)) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        json = buf.toByteArray();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + info.path() + "/" + Checkpoint.TOKENIZER + ": " + e.getMessage(), e);
    }
    String sha = TokenizerJson.sha256(json);
    if (!sha.equals(hash)) {
      throw new IllegalArgumentException(info.path() + "/" + Checkpoint.TOKENIZER + " has sha256 " + sha
          + " but the checkpoint was trained with tokenizer " + hash + " (state.json tokenizer_hash): it is not the "
          + "run's tokenizer; put the tokenizer.json the training shards were made with there");
    }
    BpeTokenizer tok;
    try {
      tok = BpeTokenizer.fromJson(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(info.path() + "/" + Checkpoint.TOKENIZER + " is not a tokenizer sparklm can load: "
          + e.getMessage(), e);
    }
    return BY_HASH.computeIfAbsent(hash, h -> new BpeEncoder(tok));
  }

  /** True when ids made by tokenizer {@code data} mean the same to a model trained with {@code model}. */
  public static boolean compatible(String model, String data) {
    return normalize(model).equals(normalize(data));
  }

  private static boolean isBytes(String hash) {
    return hash == null || hash.isEmpty() || hash.equals(ByteEncoder.HASH);
  }

  private static String normalize(String h) {
    return isBytes(h) ? ByteEncoder.HASH : h;
  }
}
