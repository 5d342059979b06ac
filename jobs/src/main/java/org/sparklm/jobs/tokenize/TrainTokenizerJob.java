package org.sparklm.jobs.tokenize;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.TrainTokenizerConfig;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.BpeTrainer;
import org.sparklm.model.tokenizer.ByteLevel;
import org.sparklm.model.tokenizer.PreTokenizer;
import scala.Tuple2;

/**
 * The {@code train-tokenizer} job: pre-tokens of the documents counted on Spark, the BPE merge
 * loop on the driver ({@link BpeTrainer}), and out come {@code tokenizer.json} (Hugging Face
 * format), {@code tokenizer-info.json} (sizes, the padded vocabulary size for the model, the
 * hash) and a {@code vocab} table (one row per id) for SQL.
 */
public final class TrainTokenizerJob {
  private TrainTokenizerJob() {}

  public static final StructType VOCAB = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.IntegerType, false),
      DataTypes.createStructField("token", DataTypes.StringType, false),
      DataTypes.createStructField("text", DataTypes.StringType, false),
      DataTypes.createStructField("bytes", DataTypes.IntegerType, false),
      DataTypes.createStructField("kind", DataTypes.StringType, false),
      DataTypes.createStructField("merge_count", DataTypes.LongType, true)});

  /** What a run did. */
  public record Result(long documents, long textBytes, long pretokens, long distinctPretokens, long pretokensKept,
                       int vocabSize, int paddedVocabSize, int merges, String sha256, double countSeconds,
                       double mergeSeconds, String output) {}

  public static void main(String[] args) {
    Main.exit(Main.run(prepend("train-tokenizer", args)));
  }

  /**
   * Trains on {@code cfg.input()}; with {@code train_split_only}, on the documents that tokenize
   * with these split fractions puts in train/.
   */
  public static Result run(SparkSession spark, TrainTokenizerConfig cfg, double valFraction, double heldoutFraction) {
    List<String> tables = new ArrayList<>();
    Dataset<Row> docs = DocumentsInput.read(spark, cfg.input(), "train-tokenizer", tables);
    if (cfg.trainSplitOnly() && valFraction + heldoutFraction > 0) {
      docs = docs.filter((org.apache.spark.api.java.function.FilterFunction<Row>) r ->
          DocSplit.of(DocSplit.hash(r.isNullAt(0) ? "" : r.getString(0)), valFraction, heldoutFraction) == DocSplit.TRAIN);
    }
    if (cfg.sampleFraction() < 1.0) {
      docs = docs.sample(false, cfg.sampleFraction(), cfg.seed());
    }
    int maxBytes = cfg.maxPretokenBytes();
    long t0 = System.nanoTime();
    // Per partition: count pre-tokens in a local map, so the shuffle carries distinct ones only.
    JavaPairRDD<String, long[]> counted = docs.select("text").javaRDD().mapPartitionsToPair(rows -> {
      Map<String, long[]> local = new HashMap<>();
      long[] stats = new long[2]; // documents, UTF-8 bytes
      while (rows.hasNext()) {
        String text = rows.next().getString(0);
        if (text == null) {
          continue;
        }
        stats[0]++;
        stats[1] += utf8Length(text);
        PreTokenizer.split(text, (s, e) -> {
          if (e - s <= maxBytes) { // chars <= bytes: a cheap first filter
            String piece = text.substring(s, e);
            if (utf8Length(piece) <= maxBytes) {
              local.computeIfAbsent(piece, k -> new long[1])[0]++;
            }
          }
        });
      }
      List<Tuple2<String, long[]>> out = new ArrayList<>(local.size() + 1);
      local.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
      out.add(new Tuple2<>(STATS_KEY, stats));
      return out.iterator();
    });
    JavaPairRDD<String, long[]> totals = counted.reduceByKey((a, b) -> {
      long[] s = new long[Math.max(a.length, b.length)];
      for (int i = 0; i < s.length; i++) {
        s[i] = (i < a.length ? a[i] : 0) + (i < b.length ? b[i] : 0);
      }
      return s;
    }).cache();
    try {
      long[] stats = totals.lookup(STATS_KEY).stream().findFirst().orElse(new long[2]);
      JavaPairRDD<String, Long> words = totals.filter(t -> !t._1().equals(STATS_KEY)).mapToPair(t -> new Tuple2<>(t._1(), t._2()[0]));
      long distinct = words.count();
      if (distinct == 0) {
        throw new JobException("train-tokenizer: the input documents hold no text (" + String.join(", ", tables) + ")");
      }
      List<Tuple2<String, Long>> kept = distinct <= cfg.maxDistinctPretokens() ? words.collect()
          : words.takeOrdered(cfg.maxDistinctPretokens(), new ByCountDesc());
      Map<String, Long> counts = new HashMap<>(kept.size() * 2);
      for (Tuple2<String, Long> t : kept) {
        counts.put(t._1(), t._2());
      }
      long pretokens = words.values().reduce(Long::sum);
      long t1 = System.nanoTime();
      BpeTrainer.Result r = BpeTrainer.builder().setVocabSize(cfg.vocabSize()).optSpecialTokens(cfg.specialTokens())
          .optMinPairCount(cfg.minPairCount()).build().train(counts);
      long t2 = System.nanoTime();
      BpeTokenizer tok = BpeTokenizer.fromJson(r.tokenizerJson());
      try (Outputs out = new Outputs(spark, cfg.output())) {
        out.write("vocab", spark.createDataFrame(vocabRows(tok, r), VOCAB).coalesce(1));
        FileSystem fs = out.stageFile("tokenizer.json").getFileSystem(spark.sparkContext().hadoopConfiguration());
        writeFile(fs, out.stageFile("tokenizer.json"), r.tokenizerJson());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("vocab_size", r.vocabSize());
        info.put("padded_vocab_size", r.paddedVocabSize());
        info.put("merges", r.merges().size());
        info.put("special_tokens", tok.specialTokens());
        info.put("eot_id", tok.eotId());
        info.put("sha256", tok.sha256());
        info.put("documents", stats[0]);
        info.put("text_bytes", stats[1]);
        info.put("pretokens", pretokens);
        info.put("distinct_pretokens", distinct);
        info.put("pretokens_kept", (long) kept.size());
        info.put("sources", tables);
        writeFile(fs, out.stageFile(INFO_FILE), new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
        out.commit();
      } catch (IOException e) {
        throw new JobException("train-tokenizer: cannot write " + cfg.output() + ": " + e.getMessage(), e);
      }
      return new Result(stats[0], stats[1], pretokens, distinct, kept.size(), r.vocabSize(), r.paddedVocabSize(),
          r.merges().size(), tok.sha256(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, cfg.output());
    } finally {
      totals.unpersist();
    }
  }

  public static final String INFO_FILE = "tokenizer-info.json";

  /** A key no pre-token can be (pre-tokens never mix a NUL with letters): the per-partition totals. */
  private static final String STATS_KEY = "\u0000stats\u0000x";

  static List<Row> vocabRows(BpeTokenizer tok, BpeTrainer.Result r) {
    List<Row> rows = new ArrayList<>();
    List<byte[]> vocab = tok.vocabulary();
    java.util.Set<Integer> special = new java.util.HashSet<>(tok.specialTokens().values());
    for (int id = 0; id < vocab.size(); id++) {
      byte[] b = vocab.get(id);
      String kind = special.contains(id) ? "special" : id < 256 ? "byte" : "merge";
      Long count = kind.equals("merge") ? r.mergeCounts()[id - 256] : null;
      String token = kind.equals("special") ? new String(b, StandardCharsets.UTF_8) : ByteLevel.encode(b);
      rows.add(RowFactory.create(id, token, new String(b, StandardCharsets.UTF_8), b.length, kind, count));
    }
    return rows;
  }

  static void writeFile(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream o = fs.create(p, true)) {
      o.write(bytes);
    }
  }

  static int utf8Length(String s) {
    return Math.toIntExact(org.sparklm.model.text.Utf8.length(s));
  }


  /** Most frequent first, then by text: a deterministic top-N. */
  static final class ByCountDesc implements java.util.Comparator<Tuple2<String, Long>>, java.io.Serializable {
    @Override
    public int compare(Tuple2<String, Long> a, Tuple2<String, Long> b) {
      int c = Long.compare(b._2(), a._2());
      return c != 0 ? c : a._1().compareTo(b._1());
    }
  }

  static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
