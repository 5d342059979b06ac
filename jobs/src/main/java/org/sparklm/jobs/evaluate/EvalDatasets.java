package org.sparklm.jobs.evaluate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.model.data.ShardManifest;

/**
 * Held-out datasets as one table of documents: {@code (dataset, domain, doc_id, text, tokens)},
 * with either {@code text} (raw text, tokenized on the executors with each checkpoint's
 * tokenizer) or {@code tokens} (already tokenized shards) set.
 *
 * <p>What a path is, by what is there:
 * <ul>
 *   <li>a tokenize output folder ({@code manifest.json} beside {@code train/ val/ heldout/}): its
 *       {@code heldout/} split (or the split folder given), Parquet rows of {@code seq_len + 1}
 *       packed ids in a {@code tokens array<int>} column; the manifest ({@link ShardManifest},
 *       the tokenize job's own definition) names the tokenizer by its {@code sha256};</li>
 *   <li>{@code .jsonl}, {@code .json} (optionally {@code .gz}): JSON Lines with a text field;</li>
 *   <li>{@code .parquet} files or a folder of them: a text column (or a {@code tokens} column);</li>
 *   <li>anything else ({@code .txt}...): plain text files, one document each, id = file name.</li>
 * </ul>
 */
public final class EvalDatasets {
  private EvalDatasets() {}

  public static final StructType DOCS = new StructType(new StructField[] {
      DataTypes.createStructField("dataset", DataTypes.StringType, false),
      DataTypes.createStructField("domain", DataTypes.StringType, true),
      DataTypes.createStructField("doc_id", DataTypes.StringType, false),
      DataTypes.createStructField("text", DataTypes.StringType, true),
      DataTypes.createStructField("tokens", DataTypes.createArrayType(DataTypes.IntegerType), true)});

  /** One dataset: its documents and, for shards, the tokenizer that made them (else null). */
  public record Source(String name, String path, String kind, String tokenizerHash, Dataset<Row> docs) {
    public boolean tokenized() {
      return kind.equals("shards");
    }
  }

  public static Source read(SparkSession spark, String name, String path, EvalConfig cfg) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path p = HadoopPaths.qualify(path, conf);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new JobException("dataset '" + name + "': " + path + " matches no file");
      }
      String lower = p.getName().toLowerCase(Locale.ROOT);
      if (fs.isDirectory(p) && fs.exists(new Path(p, ShardManifest.FILE_NAME))) {
        return shards(spark, name, path, new Path(p, "heldout"), new Path(p, ShardManifest.FILE_NAME), cfg);
      }
      if (fs.isDirectory(p) && fs.exists(new Path(p.getParent(), ShardManifest.FILE_NAME)) && hasParquet(fs, p)) {
        return shards(spark, name, path, p, new Path(p.getParent(), ShardManifest.FILE_NAME), cfg);
      }
      Dataset<Row> raw;
      String kind;
      if (lower.matches(".*\\.jsonl?(\\.gz)?$")) {
        kind = "jsonl";
        raw = spark.read().option("mode", "PERMISSIVE").json(p.toString());
      } else if (lower.endsWith(".parquet") || (fs.isDirectory(p) && hasParquet(fs, p))) {
        kind = "parquet";
        raw = spark.read().parquet(p.toString());
      } else {
        kind = "text";
        raw = spark.read().option("wholetext", "true").text(p.toString())
            .select(functions.col("value").as(cfg.textColumn()), functions.input_file_name().as("_file"));
      }
      List<String> cols = Arrays.asList(raw.columns());
      if (!cols.contains(cfg.textColumn())) {
        throw new JobException("dataset '" + name + "' (" + path + ") has no '" + cfg.textColumn() + "' column (columns: "
            + String.join(", ", cols) + "): set eval.text_column");
      }
      Column id = cols.contains(cfg.idColumn()) ? functions.col(cfg.idColumn()).cast("string")
          : kind.equals("text") ? functions.regexp_extract(functions.col("_file"), "([^/]+)$", 1) : null;
      Dataset<Row> docs = shape(raw, name, cfg, functions.col(cfg.textColumn()).cast("string"), functions.lit(null)
          .cast(DataTypes.createArrayType(DataTypes.IntegerType)), id);
      return new Source(name, path, kind, null, limit(docs, cfg));
    } catch (IOException e) {
      throw new JobException("dataset '" + name + "': cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static Source shards(SparkSession spark, String name, String path, Path data, Path manifest, EvalConfig cfg)
      throws IOException {
    FileSystem fs = data.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(data)) {
      throw new JobException("dataset '" + name + "': " + path + " has a manifest.json but no heldout/ split");
    }
    ShardManifest m;
    try {
      m = ShardManifest.read(manifest, spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new JobException("dataset '" + name + "': " + e.getMessage(), e);
    }
    String hash = m.tokenizer() == null ? null : m.tokenizer().sha256();
    if (hash == null || hash.isEmpty()) {
      throw new JobException("dataset '" + name + "': " + manifest + " names no tokenizer (tokenizer.sha256): "
          + "cannot check that the checkpoints were trained with the same tokenizer");
    }
    Dataset<Row> raw = spark.read().parquet(data.toString());
    List<String> cols = Arrays.asList(raw.columns());
    if (!cols.contains("tokens")) {
      throw new JobException("dataset '" + name + "': " + data + " has no 'tokens' column (columns: " + String.join(", ", cols) + ")");
    }
    Column id = cols.contains(cfg.idColumn()) ? functions.col(cfg.idColumn()).cast("string") : null;
    Dataset<Row> docs = shape(raw, name, cfg, functions.lit(null).cast("string"),
        functions.col("tokens").cast(DataTypes.createArrayType(DataTypes.IntegerType)), id);
    return new Source(name, path, "shards", hash, limit(docs, cfg));
  }

  /** The common columns; without an id column, ids are row numbers in file order. */
  private static Dataset<Row> shape(Dataset<Row> raw, String name, EvalConfig cfg, Column text, Column tokens, Column id) {
    boolean hasDomain = Arrays.asList(raw.columns()).contains(cfg.domainColumn());
    Column domain = hasDomain ? functions.col(cfg.domainColumn()).cast("string") : functions.lit(null).cast("string");
    Dataset<Row> withId;
    if (id != null) {
      withId = raw.withColumn("_id", id);
    } else {
      // zipWithIndex: a stable number for every row of the same input files
      var indexed = raw.javaRDD().zipWithIndex().map(t -> org.apache.spark.sql.RowFactory.create(
          concat(t._1(), "row-" + t._2())));
      StructType schema = raw.schema().add("_id", DataTypes.StringType, false);
      withId = raw.sparkSession().createDataFrame(indexed, schema);
    }
    return withId.select(functions.lit(name).as("dataset"), domain.as("domain"), functions.col("_id").as("doc_id"),
        text.as("text"), tokens.as("tokens"));
  }

  private static Object[] concat(Row r, Object extra) {
    Object[] v = new Object[r.length() + 1];
    for (int i = 0; i < r.length(); i++) {
      v[i] = r.get(i);
    }
    v[r.length()] = extra;
    return v;
  }

  private static Dataset<Row> limit(Dataset<Row> docs, EvalConfig cfg) {
    return cfg.maxDocs() > 0 ? docs.orderBy("doc_id").limit((int) Math.min(Integer.MAX_VALUE, cfg.maxDocs())) : docs;
  }

  private static boolean hasParquet(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.getPath().getName().endsWith(".parquet")) {
        return true;
      }
    }
    return false;
  }

  /** All datasets of the config, in name order. */
  public static List<Source> readAll(SparkSession spark, Map<String, String> datasets, EvalConfig cfg) {
    List<Source> out = new ArrayList<>();
    datasets.forEach((n, p) -> out.add(read(spark, n, p, cfg)));
    return out;
  }
}
