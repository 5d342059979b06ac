package org.sparklm.jobs.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TokenSource;

/**
 * The train job's data sources, chosen by {@code train.input_format}. Each gives a training and
 * a held-out {@link TokenSource}; a new format plugs in here.
 */
public final class TrainData {
  private TrainData() {}

  /**
   * Training rows, held-out rows, and what the log says about them. {@code tokenizerJson} is the
   * shards' tokenizer (SHA-256 {@code tokenizerHash}), copied into every checkpoint; null for bytes,
   * or when the manifest's tokenizer file is no longer there ({@code tokenizerNote} says so).
   */
  record Sources(TokenSource train, TokenSource validation, double unigramCrossEntropy, long trainTokens, long heldOutTokens,
                 String tokenizerHash, byte[] tokenizerJson, String tokenizerNote) {
    Sources(TokenSource train, TokenSource validation, double unigramCrossEntropy, long trainTokens, long heldOutTokens,
            String tokenizerHash) {
      this(train, validation, unigramCrossEntropy, trainTokens, heldOutTokens, tokenizerHash, null, null);
    }
  }

  static Sources open(SparkSession spark, TrainJobConfig cfg) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    cfg = resolveFormat(cfg, conf);
    return switch (cfg.inputFormat()) {
      case "text" -> text(cfg, conf);
      case "documents" -> documents(spark, cfg);
      case "shards" -> shards(cfg, conf);
      default -> throw new JobException("train: unknown input_format '" + cfg.inputFormat() + "'");
    };
  }

  /**
   * {@code input_format: auto} made concrete: {@code shards} when the one input is a folder with
   * a {@code manifest.json} (a tokenize output), else {@code text}. Other formats pass unchanged.
   */
  public static TrainJobConfig resolveFormat(TrainJobConfig cfg, Configuration conf) {
    if (!"auto".equals(cfg.inputFormat())) {
      return cfg;
    }
    boolean shards = false;
    if (cfg.input().size() == 1) {
      Path manifest = new Path(HadoopPaths.qualify(cfg.input().get(0), conf), ShardManifest.FILE_NAME);
      try {
        shards = manifest.getFileSystem(conf).exists(manifest);
      } catch (IOException e) {
        throw new JobException("train: cannot look for " + manifest + " (input_format=auto): " + e.getMessage(), e);
      }
    }
    return cfg.withInputFormat(shards ? "shards" : "text");
  }

  /**
   * Text files as bytes: each byte one token (vocab 256), files joined in path order with a blank
   * line, the last {@code validation_fraction} of the bytes held out.
   */
  static Sources text(TrainJobConfig cfg, Configuration conf) {
    List<String> files = HadoopPaths.expandFiles(cfg.input(), conf, "train");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String f : files) {
      Path p = new Path(f);
      try (InputStream in = p.getFileSystem(conf).open(p)) {
        in.transferTo(all);
        all.write('\n');
        all.write('\n');
      } catch (IOException e) {
        throw new JobException("train: cannot read input file " + f + ": " + e.getMessage(), e);
      }
    }
    return bytes(cfg, all.toByteArray(), files.size() + " text file(s)");
  }

  /**
   * A documents table (e.g. the ingest job's {@code documents}): the {@code text} column of every
   * row, ordered by {@code doc_id} when there is one, as UTF-8 bytes joined by blank lines. The
   * text is collected on the driver: meant for corpora that fit in its memory (the demo's).
   */
  static Sources documents(SparkSession spark, TrainJobConfig cfg) {
    if (cfg.input().isEmpty()) {
      throw new JobException("train: no input given: pass --input DOCUMENTS_TABLE (a folder of Parquet with a text column)");
    }
    Dataset<Row> docs;
    try {
      docs = spark.read().parquet(cfg.input().toArray(String[]::new));
    } catch (RuntimeException e) {
      throw new JobException("train: cannot read documents table " + cfg.input() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
    if (!List.of(docs.columns()).contains("text")) {
      throw new JobException("train: input " + cfg.input() + " has no 'text' column (columns: " + List.of(docs.columns()) + ")");
    }
    Dataset<Row> text = List.of(docs.columns()).contains("doc_id") ? docs.orderBy("doc_id").select("text") : docs.select("text");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    long n = 0;
    for (Row r : text.collectAsList()) { // one job (toLocalIterator would run one per shuffle partition)
      if (!r.isNullAt(0)) {
        all.writeBytes(r.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        all.write('\n');
        all.write('\n');
        n++;
      }
    }
    return bytes(cfg, all.toByteArray(), n + " documents");
  }

  /**
   * The tokenize job's output: rows of {@code train/} to train on and of {@code val/} held out,
   * each read in its seeded order (the shard reader's), the model's shape checked against the
   * manifest before any training.
   */
  static Sources shards(TrainJobConfig cfg, Configuration conf) {
    Shards checked = checkShards(cfg, conf);
    String dir = checked.dir();
    org.sparklm.model.data.ShardManifest m = checked.manifest();
    int seqLen = cfg.model().seqLen();
    long seed = cfg.loop().seed();
    TokenSource train = shardSource(dir + "/train", conf, seed, seqLen, cfg.model().vocabSize());
    TokenSource val = shardSource(dir + "/val", conf, seed, seqLen, cfg.model().vocabSize());
    // the tokenizer goes into every checkpoint, so raw text can be scored with the checkpoint alone
    Tokenizer tok = tokenizer(checked, conf);
    return new Sources(train, val, unigramCrossEntropy(train, val, cfg.model().vocabSize()), m.splits().get("train").tokens(),
        m.splits().get("val").tokens(), m.tokenizer().sha256(), tok.json(), tok.note());
  }

  /** A tokenize output folder (qualified) and its manifest. */
  public record Shards(String dir, org.sparklm.model.data.ShardManifest manifest) {}

  /**
   * The one {@code --input} of {@code input_format=shards}: its manifest, with the model's
   * seq_len and vocabulary checked against it (a one-line error saying what to set), before any
   * training, for one worker or many.
   */
  public static Shards checkShards(TrainJobConfig cfg, Configuration conf) {
    if (cfg.input().size() != 1) {
      throw new JobException("train: input_format=shards takes one --input, a tokenize output folder (with manifest.json); got "
          + cfg.input());
    }
    String dir = HadoopPaths.qualify(cfg.input().get(0), conf).toString();
    org.sparklm.model.data.ShardManifest m;
    try {
      m = org.sparklm.model.data.ShardManifest.readDir(dir, conf);
    } catch (IOException e) {
      throw new JobException("train: cannot read " + dir + "/manifest.json (is it a tokenize output?): " + e.getMessage(), e);
    }
    int seqLen = cfg.model().seqLen();
    if (m.seqLen() != seqLen) {
      throw new JobException("train: the shards in " + dir + " hold rows of seq_len " + m.seqLen()
          + " but train.model.seq_len is " + seqLen + ": set train.model.seq_len=" + m.seqLen());
    }
    int vocab = m.tokenizer().vocabSize();
    if (cfg.model().vocabSize() < vocab) {
      throw new JobException("train: the shards' tokenizer has " + vocab + " ids but train.model.vocab_size is "
          + cfg.model().vocabSize() + ": set train.model.vocab_size=" + m.tokenizer().paddedVocabSize());
    }
    for (String split : List.of("train", "val")) {
      var sp = m.splits().get(split);
      if (sp == null || sp.rows() == 0) {
        throw new JobException("train: the shards in " + dir + " have no " + split + " rows: tokenize more documents "
            + "or lower tokenize.seq_len");
      }
    }
    return new Shards(dir, m);
  }

  /** The shards' tokenizer.json, or null with a note saying why it is missing. */
  public record Tokenizer(byte[] json, String note) {}

  /**
   * The tokenizer the shards were made with (the manifest's path), read to be copied into every
   * checkpoint so raw text can be scored with the checkpoint alone; a file whose SHA-256 is not
   * the manifest's fails (the shards came from another tokenizer).
   */
  public static Tokenizer tokenizer(Shards shards, Configuration conf) {
    org.sparklm.model.data.ShardManifest m = shards.manifest();
    byte[] json = null;
    String note = null;
    String sha = m.tokenizer().sha256();
    try {
      json = org.sparklm.udfs.tokenize.Tokenizers.readJson(m.tokenizer().path(), conf);
    } catch (IOException e) {
      note = "the shards' tokenizer " + m.tokenizer().path() + " cannot be read (" + e.getMessage() + "): the checkpoints "
          + "will not carry tokenizer.json, and evaluating them on raw text will need it copied in";
    }
    if (json != null && !org.sparklm.model.tokenizer.TokenizerJson.sha256(json).equals(sha)) {
      throw new JobException("train: " + m.tokenizer().path() + " has changed since the shards in " + shards.dir()
          + " were made (sha256 " + org.sparklm.model.tokenizer.TokenizerJson.sha256(json) + ", manifest.json says " + sha
          + "): re-run tokenize with it, or put back the tokenizer the shards were made with");
    }
    return new Tokenizer(json, note);
  }

  private static TokenSource shardSource(String split, Configuration conf, long seed, int seqLen, int vocab) {
    return TokenSource.of(seqLen, vocab, "token shards " + split,
        from -> org.sparklm.model.data.TokenShardReader.open(split, conf, seed, 0, 1, from));
  }

  /** The unigram bar over at most {@code 1 << 20} tokens of each side (an estimate on big shards). */
  static double unigramCrossEntropy(TokenSource train, TokenSource heldOut, int vocab) {
    try {
      return unigramCrossEntropy(firstTokens(train, 1 << 20), firstTokens(heldOut, 1 << 20), vocab);
    } catch (IOException e) {
      throw new JobException("train: cannot read the shards: " + e.getMessage(), e);
    }
  }

  private static int[] firstTokens(TokenSource src, int max) throws IOException {
    int row = src.seqLen() + 1;
    try (org.sparklm.model.data.TokenRows rows = src.open(org.sparklm.model.data.ShardCursor.START)) {
      int[] buf = new int[row];
      int[] out = new int[Math.max(row, max - max % row)];
      for (int at = 0; at + row <= out.length; at += row) {
        rows.next(buf);
        System.arraycopy(buf, 0, out, at, row);
        if (rows.cursor().epoch() > 0) { // that was the last row: every row was read once
          return Arrays.copyOf(out, at + row);
        }
      }
      return out;
    }
  }

  private static Sources bytes(TrainJobConfig cfg, byte[] bytes, String what) {
    int seqLen = cfg.model().seqLen();
    int held = (int) (bytes.length * cfg.validationFraction());
    if (bytes.length - held < 2L * (seqLen + 1) || held < seqLen + 1) {
      throw new JobException("train: the input holds " + bytes.length + " bytes: too few for seq_len " + seqLen
          + " with validation_fraction " + cfg.validationFraction() + " (need a few rows of " + (seqLen + 1)
          + " bytes on each side): give more text or lower train.model.seq_len");
    }
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xff;
    }
    int[] train = Arrays.copyOf(ids, ids.length - held);
    int[] val = Arrays.copyOfRange(ids, ids.length - held, ids.length);
    long seed = cfg.loop().seed();
    String desc = what + ", " + train.length + " training bytes";
    return new Sources(ArrayTokenRows.source(train, seqLen, 256, seed, desc),
        ArrayTokenRows.source(val, seqLen, 256, seed, "held-out bytes"), unigramCrossEntropy(train, val),
        train.length, val.length, org.sparklm.model.score.ByteEncoder.HASH);
  }

  /**
   * The held-out data's cross-entropy (nats per token) under the training data's unigram
   * distribution (add-one smoothed): the loss of a model that knows only token frequencies,
   * the bar a trained model must clearly beat.
   */
  static double unigramCrossEntropy(int[] train, int[] heldOut) {
    return unigramCrossEntropy(train, heldOut, 256);
  }

  static double unigramCrossEntropy(int[] train, int[] heldOut, int vocab) {
    double[] counts = new double[vocab];
    Arrays.fill(counts, 1.0);
    for (int t : train) {
      counts[t]++;
    }
    double total = train.length + (double) vocab;
    double h = 0;
    for (int t : heldOut) {
      h -= Math.log(counts[t] / total);
    }
    return h / heldOut.length;
  }
}
