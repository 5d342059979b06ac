package org.sparklm.jobs.clean;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.CleanConfig;
import org.sparklm.udfs.quality.BadWords;
import org.sparklm.udfs.quality.Cleaner;
import org.sparklm.udfs.url.UrlBlocklist;

/**
 * The {@code clean} job: documents (ingest's output) in; the documents that pass every rule
 * ({@code documents}, with {@code language} and {@code language_score} added and PII redacted),
 * one row per dropped document with the first rule that dropped it and the value it measured
 * ({@code dropped}), and documents and bytes dropped per rule ({@code filter_stats}) out.
 *
 * <p>Deterministic: the rules are pure functions of a document, rows keep the input's partitions
 * and order, and {@code filter_stats} is sorted, so the same input gives byte-identical tables.
 */
public final class CleanJob {
  private CleanJob() {}

  public static final StructType DROPPED = new StructType(new StructField[] {
      DataTypes.createStructField("doc_id", DataTypes.StringType, false),
      DataTypes.createStructField("url", DataTypes.StringType, true),
      DataTypes.createStructField("rule", DataTypes.StringType, false),
      DataTypes.createStructField("value", DataTypes.DoubleType, false),
      DataTypes.createStructField("detail", DataTypes.StringType, true),
      DataTypes.createStructField("language", DataTypes.StringType, true),
      DataTypes.createStructField("text_bytes", DataTypes.LongType, false)});

  /** What a run did, for the summary line and tests. */
  public record Result(long documentsIn, long kept, long dropped, Map<String, Long> droppedByRule,
                       String documentsPath, String droppedPath, String statsPath) {}

  /** {@code spark-submit --class org.sparklm.jobs.clean.CleanJob sparklm.jar --input ... --output ...} */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "clean";
    System.arraycopy(args, 0, all, 1, args.length);
    Main.exit(Main.run(all));
  }

  public static Result run(SparkSession spark, CleanConfig cfg) {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    List<String> tables = resolveInputs(cfg.input(), hconf);
    Dataset<Row> in = spark.read().parquet(tables.toArray(new String[0]));
    for (String col : List.of("doc_id", "url", "text")) {
      if (!Arrays.asList(in.columns()).contains(col)) {
        throw new JobException("clean: input " + tables + " has no column '" + col + "' (columns: "
            + String.join(", ", in.columns()) + "): pass ingest's output folder or its documents/ table");
      }
    }
    // a rerun on clean's own output replaces the language columns instead of adding a second pair
    in = in.drop("language", "language_score");
    StructType docSchema = in.schema()
        .add("language", DataTypes.StringType, true)
        .add("language_score", DataTypes.DoubleType, true);
    StructType items = new StructType(new StructField[] {
        DataTypes.createStructField("doc", docSchema, true),
        DataTypes.createStructField("dropped", DROPPED, true)});
    Cleaner.Options opts = options(cfg, hconf);
    int idIdx = in.schema().fieldIndex("doc_id");
    int urlIdx = in.schema().fieldIndex("url");
    int textIdx = in.schema().fieldIndex("text");
    int width = in.schema().size();

    Dataset<Row> all = in.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      Cleaner cleaner = new Cleaner(opts);
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          String url = r.isNullAt(urlIdx) ? null : r.getString(urlIdx);
          String text = r.isNullAt(textIdx) ? "" : r.getString(textIdx);
          Cleaner.Outcome o = cleaner.clean(url, text);
          if (o.kept()) {
            Object[] v = new Object[width + 2];
            for (int i = 0; i < width; i++) {
              v[i] = r.get(i);
            }
            v[textIdx] = o.text();
            v[width] = o.language();
            v[width + 1] = o.language() == null ? null : o.languageScore();
            return RowFactory.create(RowFactory.create(v), null);
          }
          return RowFactory.create(null, RowFactory.create(r.getString(idIdx), url, o.verdict().rule(),
              o.verdict().value(), o.verdict().detail(), o.language(), Cleaner.utf8Bytes(text)));
        }
      };
    }, Encoders.row(items)).persist(StorageLevel.MEMORY_AND_DISK());

    try (Outputs out = new Outputs(spark, cfg.output())) {
      out.write("documents", all.where("doc IS NOT NULL").select("doc.*"));
      Dataset<Row> dropped = all.where("dropped IS NOT NULL").select("dropped.*");
      out.write("dropped", dropped);
      out.write("filter_stats", dropped.groupBy("rule")
          .agg(functions.count("*").as("documents"), functions.sum("text_bytes").as("bytes"))
          .orderBy(functions.desc("documents"), functions.asc("rule")).coalesce(1));
      out.commit();
      Dataset<Row> stats = spark.read().parquet(out.tablePath("filter_stats").toString());
      Map<String, Long> byRule = new LinkedHashMap<>();
      long droppedCount = 0;
      for (Row r : stats.orderBy(functions.desc("documents"), functions.asc("rule")).collectAsList()) {
        byRule.put(r.getString(0), r.getLong(1));
        droppedCount += r.getLong(1);
      }
      long kept = spark.read().parquet(out.tablePath("documents").toString()).count();
      return new Result(kept + droppedCount, kept, droppedCount, byRule, out.tablePath("documents").toString(),
          out.tablePath("dropped").toString(), out.tablePath("filter_stats").toString());
    } finally {
      all.unpersist();
    }
  }

  /** The cleaning options with the blocklist and bad-word files read once, on the driver. */
  static Cleaner.Options options(CleanConfig cfg, Configuration hconf) {
    UrlBlocklist blocklist = null;
    if (cfg.urlBlocklist().enabled()) {
      blocklist = cfg.urlBlocklist().file().isEmpty() ? UrlBlocklist.bundled()
          : readList(cfg.urlBlocklist().file(), hconf, "clean.url_blocklist.file", UrlBlocklist::read);
    }
    BadWords badWords = cfg.c4().badWordsFile().isEmpty() ? BadWords.bundled()
        : readList(cfg.c4().badWordsFile(), hconf, "clean.c4.bad_words_file", BadWords::read);
    CleanConfig.LanguageFilter lang = cfg.language();
    return new Cleaner.Options(blocklist, lang.enabled(), lang.detector(), new LinkedHashSet<>(lang.keep()), lang.minScore(),
        cfg.gopherRepetition(), cfg.gopherQuality(), cfg.c4(), badWords, cfg.fineweb(), cfg.redactPii(), cfg.maxTextChars());
  }

  interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T readList(String file, Configuration hconf, String key, Reader<T> reader) {
    Path p = HadoopPaths.qualify(file, hconf);
    try (InputStream in = p.getFileSystem(hconf).open(p)) {
      return reader.read(in);
    } catch (IOException e) {
      throw new JobException("clean: cannot read " + key + " '" + file + "': " + e.getMessage(), e);
    }
  }

  /**
   * The Parquet tables {@code inputs} name: a folder holding a {@code documents/} table (ingest's or
   * clean's output) stands for that table; anything else is passed to Spark as it is.
   */
  static List<String> resolveInputs(List<String> inputs, Configuration hconf) {
    if (inputs.isEmpty()) {
      throw new JobException("clean: no input given: pass --input DIR (ingest's output folder or its documents/ table)");
    }
    List<String> out = new ArrayList<>();
    for (String in : inputs) {
      Path p = HadoopPaths.qualify(in, hconf);
      try {
        FileSystem fs = p.getFileSystem(hconf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches == null || matches.length == 0) {
          throw new JobException("clean: input '" + in + "' matches no file");
        }
        for (FileStatus st : matches) {
          Path docs = new Path(st.getPath(), "documents");
          out.add(st.isDirectory() && fs.isDirectory(docs) ? docs.toString() : st.getPath().toString());
        }
      } catch (IOException e) {
        throw new JobException("clean: cannot list input '" + in + "': " + e.getMessage(), e);
      }
    }
    return out;
  }
}
