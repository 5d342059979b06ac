package org.sparklm.jobs.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.DedupConfig;
import org.sparklm.udfs.dedup.MinHash;
import org.sparklm.udfs.dedup.TextKey;

/**
 * The {@code dedup} job: a documents table in (ingest's, clean's or any with {@code doc_id} and
 * {@code text}; {@code url} and {@code fetched_at} used when present), three tables out:
 * <ul>
 *   <li>{@code documents}: one document per cluster of duplicates, all its input columns plus
 *       {@code cluster_id} (the kept document's {@code doc_id}) and {@code cluster_size}
 *       (how many input documents it stands for, itself included);</li>
 *   <li>{@code duplicates}: every removed document ({@code doc_id}, {@code url}) with the
 *       {@code kept_doc_id} that replaced it, {@code kind} ({@code exact} or {@code near}) and
 *       {@code jaccard} (1.0 for exact copies, the MinHash estimate against the kept document
 *       for near ones);</li>
 *   <li>{@code rejects}: rows that cannot take part (no {@code doc_id}, no {@code text}, or a
 *       {@code doc_id} seen before), with the reason.</li>
 * </ul>
 *
 * <p>Steps: exact copies of the normalized text (see {@link TextKey}) collapse first; their
 * representatives get MinHash signatures; documents sharing any LSH band become candidate pairs
 * (star edges to the bucket's smallest doc id, so a bucket of k documents costs k edges, not
 * k^2), optionally checked by exact Jaccard; {@link ConnectedComponents} joins candidates into
 * clusters. In every group the kept document is the earliest fetched, then the smallest doc id.
 *
 * <p>Every choice is a function of the documents alone (seeded hashes, minima, sorted output), so
 * the output is the same whatever the partitioning or the number of executors.
 */
public final class DedupJob {
  private DedupJob() {}

  /** What a run did, for the summary line, the demo and tests. */
  public record Result(long inputDocuments, long rejects, long keptDocuments, long exactDuplicates,
                       long nearDuplicates, long candidatePairs, int componentRounds,
                       String documentsPath, String duplicatesPath, String rejectsPath) {}

  /** What one pass over a text gives: the exact key, and the signature and band keys (null without words, or near off). */
  static final StructType KEYS = new StructType()
      .add("hash", DataTypes.StringType, false)
      .add("signature", DataTypes.createArrayType(DataTypes.LongType, false), true)
      .add("bands", DataTypes.createArrayType(DataTypes.LongType, false), true);

  /** {@code spark-submit --class org.sparklm.jobs.dedup.DedupJob sparklm.jar --input ... --output ...} */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "dedup";
    System.arraycopy(args, 0, all, 1, args.length);
    Main.exit(Main.run(all));
  }

  public static Result run(SparkSession spark, DedupConfig cfg) {
    Dataset<Row> input = read(spark, cfg.input());
    MinHash minHash = cfg.minHash();

    // The kept-document order: earliest fetched_at (unknown last), then the smallest doc_id.
    Column rank = struct(col("fetched_at").isNull().as("unknown"),
        coalesce(col("fetched_at"), lit(0).cast("timestamp")).as("at"), col("doc_id").as("id"));

    // One pass over the text: the exact key, and the MinHash signature with its band keys.
    boolean near = cfg.near();
    UserDefinedFunction keysUdf = udf((UDF1<String, Row>) text -> keysRow(minHash, near, text), KEYS);
    Dataset<Row> valid = input.where(col("doc_id").isNotNull().and(col("text").isNotNull()))
        .withColumn("_k", keysUdf.apply(col("text")))
        .withColumn("_text_hash", col("_k.hash"))
        .withColumn("_rank", rank)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // A doc_id on two rows is rare; look for it on the ids alone, and only then pay for a window
    // (a shuffle of the texts) to keep the first row and set the others aside. The same pass counts
    // the distinct ids, i.e. the documents that take part.
    Dataset<Row> keyed = valid;
    Dataset<Row> numbered = null;
    Dataset<Row> idRejects = input.limit(0).select(col("doc_id"), col("url"), lit("").as("reason"), lit("").as("detail"));
    Row ids = valid.groupBy("doc_id").agg(count("*").as("n")).agg(count("*"), sum("n")).first();
    long keyedCount = ids.getLong(0);
    if (!ids.isNullAt(1) && ids.getLong(1) > keyedCount) {
      WindowSpec byId = Window.partitionBy("doc_id").orderBy(col("fetched_at").isNull(), col("fetched_at"), col("_text_hash"), col("url"));
      numbered = valid.withColumn("_id_seen", row_number().over(byId)).persist(StorageLevel.MEMORY_AND_DISK());
      keyed = numbered.where(col("_id_seen").equalTo(1)).drop("_id_seen");
      idRejects = numbered.where(col("_id_seen").gt(1)).select(col("doc_id"), col("url"), lit("duplicate_doc_id").as("reason"),
          expr("concat('another row has this doc_id; text hash ', _text_hash)").as("detail"));
    }
    Dataset<Row> rejects = input.where(col("doc_id").isNull().or(col("text").isNull()))
        .select(col("doc_id"), col("url"),
            when(col("doc_id").isNull(), lit("missing_doc_id")).otherwise(lit("missing_text")).as("reason"),
            when(col("doc_id").isNull(), lit("the row has no doc_id"))
                .otherwise(lit("the document has no text")).as("detail"))
        .union(idRejects);

    String workDir = cfg.output().replaceAll("/+$", "") + "/_dedup-work-" + UUID.randomUUID();
    try (Outputs out = new Outputs(spark, cfg.output())) {
      // 1. Exact: one representative per normalized-text hash (the first in kept order).
      Dataset<Row> meta = keyed.select(col("doc_id"), col("url"), col("_text_hash"), col("_rank"),
              col("_k.signature").as("signature"), col("_k.bands").as("bands"),
              min(col("_rank")).over(Window.partitionBy("_text_hash")).getField("id").as("_exact_rep"))
          .persist(StorageLevel.MEMORY_AND_DISK());

      // 2. Near: signatures of the representatives, candidate pairs from shared bands, components.
      Dataset<Row> labelled = meta.withColumn("_label", col("_exact_rep"));
      long candidates = 0;
      int rounds = 0;
      if (cfg.near()) {
        Dataset<Row> signatures = meta.where(col("doc_id").equalTo(col("_exact_rep")).and(col("signature").isNotNull()))
            .select(col("doc_id"), col("signature"), col("bands"));
        // Star edges: every document of a band bucket to the bucket's smallest doc id (one shuffle of the band keys).
        Dataset<Row> edges = signatures.select(col("doc_id"), expr("posexplode(bands) AS (band, key)"))
            .withColumn("m", min("doc_id").over(Window.partitionBy("band", "key")))
            .where(col("doc_id").notEqual(col("m")))
            .select(col("doc_id").as("src"), col("m").as("dst"))
            .distinct();
        if (cfg.verifyJaccard()) {
          edges = verified(keyed, edges, minHash, cfg.jaccardThreshold());
        }
        edges = edges.persist(StorageLevel.MEMORY_AND_DISK());
        candidates = edges.count();
        if (candidates > 0) {
          ConnectedComponents.Result cc = ConnectedComponents.run(spark, edges, workDir, cfg.maxIterations());
          rounds = cc.rounds();
          // A document's cluster is its exact representative's component (the representative itself when it has no edge).
          labelled = meta.join(cc.labels().select(col("node").as("_exact_rep"), col("label")), new String[] {"_exact_rep"}, "left")
              .withColumn("_label", coalesce(col("label"), col("_exact_rep")))
              .drop("label");
        }
        edges.unpersist();
      }

      // 3. One shuffle by cluster: the kept document is the cluster's first in kept order (an exact
      // representative, which comes before its copies), with its signature for the Jaccard estimate.
      // A removed document is an exact copy when it has the kept document's normalized text, i.e. its
      // exact representative is the kept document; the signature of a near one is its representative's.
      WindowSpec byCluster = Window.partitionBy("_label");
      Column exactCopy = col("_exact_rep").equalTo(col("_kept"));
      Dataset<Row> assigned = labelled
          .withColumn("_first", min(struct(col("_rank").as("rank"), col("signature").as("sig"))).over(byCluster))
          .withColumn("cluster_size", count("*").over(byCluster))
          .withColumn("_kept", col("_first.rank.id"))
          .select(col("doc_id"), col("url"), col("_kept"), col("cluster_size"), exactCopy.as("_exact_copy"),
              when(exactCopy, lit(1.0)).otherwise(expr(
                  "aggregate(zip_with(signature, _first.sig, (x, y) -> IF(x = y, 1, 0)), 0, (a, x) -> a + x) / size(signature)"))
                  .as("jaccard"))
          .persist(StorageLevel.MEMORY_AND_DISK());

      // The documents in clusters of two or more (the removed ones and their kept ones): all a kept
      // document needs from its cluster, and few rows, so joining them to the texts needs no shuffle
      // of the texts once their size is known (a broadcast join; a sort-merge join when they are many).
      Column isKept = col("doc_id").equalTo(col("_kept"));
      Dataset<Row> clustered = assigned.where(col("cluster_size").gt(1))
          .select(col("doc_id").as("_cid"), isKept.as("_keep"), col("cluster_size").as("_size"), col("_exact_copy"))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Row removedCounts = clustered.agg(count(when(not(col("_keep")).and(col("_exact_copy")), true)),
          count(when(not(col("_keep")).and(not(col("_exact_copy"))), true))).first();
      long exact = removedCounts.getLong(0);
      long nearCount = removedCounts.getLong(1);

      Dataset<Row> kept = keyed.join(clustered, col("doc_id").equalTo(col("_cid")), "left")
          .where(col("_cid").isNull().or(col("_keep")))
          .withColumn("cluster_id", col("doc_id"))
          .withColumn("cluster_size", coalesce(col("_size"), lit(1L)))
          .select(outputColumns(input.columns()))
          .orderBy("doc_id");
      Dataset<Row> duplicates = assigned.where(not(isKept))
          .select(col("doc_id"), col("url"), col("_kept").as("kept_doc_id"),
              when(col("_exact_copy"), lit("exact")).otherwise(lit("near")).as("kind"), col("jaccard"))
          .orderBy("doc_id");

      out.write("documents", kept);
      out.write("duplicates", duplicates);
      out.write("rejects", rejects.orderBy(col("doc_id"), col("reason"), col("url")));
      out.commit();

      long rejectCount = input.count() - keyedCount;
      clustered.unpersist();
      assigned.unpersist();
      meta.unpersist();
      return new Result(keyedCount + rejectCount, rejectCount, keyedCount - exact - nearCount, exact, nearCount,
          candidates, rounds, out.tablePath("documents").toString(), out.tablePath("duplicates").toString(),
          out.tablePath("rejects").toString());
    } finally {
      valid.unpersist();
      if (numbered != null) {
        numbered.unpersist();
      }
      deleteQuietly(spark, workDir);
    }
  }

  /** The input tables: each {@code --input} is a folder holding {@code documents/} or a table itself. */
  static Dataset<Row> read(SparkSession spark, List<String> inputs) {
    if (inputs.isEmpty()) {
      throw new JobException("dedup: no input given: pass --input DIR (a folder holding documents/, or the table)");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> all = null;
    for (String in : inputs) {
      Path p = HadoopPaths.qualify(in, conf);
      String table;
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
          throw new JobException("dedup: input '" + in + "' does not exist");
        }
        Path docs = new Path(p, "documents");
        table = fs.isDirectory(docs) ? docs.toString() : p.toString();
      } catch (IOException e) {
        throw new JobException("dedup: cannot list input '" + in + "': " + e.getMessage(), e);
      }
      Dataset<Row> df;
      try {
        df = spark.read().parquet(table);
      } catch (RuntimeException e) {
        throw new JobException("dedup: input '" + table + "' is not a readable Parquet table: "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
      }
      List<String> cols = List.of(df.columns());
      for (String need : List.of("doc_id", "text")) {
        if (!cols.contains(need)) {
          throw new JobException("dedup: input '" + table + "' has no column '" + need + "' (it has " + cols + ")");
        }
      }
      if (!cols.contains("url")) {
        df = df.withColumn("url", lit(null).cast("string"));
      }
      if (!cols.contains("fetched_at")) {
        df = df.withColumn("fetched_at", lit(null).cast("timestamp"));
      }
      all = all == null ? df : all.unionByName(df, true);
    }
    return all;
  }

  private static Column[] outputColumns(String[] inputColumns) {
    List<Column> cols = new ArrayList<>();
    for (String c : inputColumns) {
      if (!c.equals("cluster_id") && !c.equals("cluster_size")) {
        cols.add(col("`" + c + "`"));
      }
    }
    cols.add(col("cluster_id"));
    cols.add(col("cluster_size"));
    return cols.toArray(Column[]::new);
  }

  /** The keys of one text, normalized once: hash, and signature and band keys unless {@code near} is off or the text has no word. */
  static Row keysRow(MinHash minHash, boolean near, String text) {
    String normalized = TextKey.normalize(text);
    String hash = TextKey.hashOfNormalized(normalized);
    if (!near) {
      return RowFactory.create(hash, null, null);
    }
    long[] sig = minHash.signatureOfNormalized(normalized);
    if (MinHash.isEmpty(sig)) {
      return RowFactory.create(hash, null, null);
    }
    return RowFactory.create(hash, sig, minHash.bandKeys(sig));
  }

  /** Keeps the candidate pairs whose shingle sets have an exact Jaccard similarity of at least {@code threshold}. */
  static Dataset<Row> verified(Dataset<Row> keyed, Dataset<Row> edges, MinHash minHash, double threshold) {
    UserDefinedFunction shingles = udf((UDF1<String, long[]>) text -> minHash.distinctShingles(text),
        DataTypes.createArrayType(DataTypes.LongType, false));
    Dataset<Row> ends = edges.select(col("src").as("doc_id")).union(edges.select(col("dst").as("doc_id"))).distinct();
    Dataset<Row> sets = keyed.join(ends, "doc_id").select(col("doc_id"), shingles.apply(col("text")).as("sh"));
    return edges.join(sets.select(col("doc_id").as("src"), col("sh").as("a")), "src")
        .join(sets.select(col("doc_id").as("dst"), col("sh").as("b")), "dst")
        .where(expr("size(array_intersect(a, b)) / size(array_union(a, b))").geq(threshold))
        .select("src", "dst");
  }

  private static void deleteQuietly(SparkSession spark, String dir) {
    try {
      Path p = new Path(dir);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException | RuntimeException e) {
      // a leftover _dedup-work-* folder is hidden from readers (leading '_')
    }
  }
}
