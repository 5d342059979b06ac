package org.sparklm.jobs.tokenize;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;

/**
 * The documents a tokenizer job reads: each input is a job's output folder holding a
 * {@code documents/} table (ingest, clean, dedup...), a documents table itself, or a JSON Lines
 * file ({@code .jsonl[.gz]}) with a {@code text} field and an {@code id} or {@code doc_id} (the
 * Brown corpus as shipped in shared/data). Only {@code doc_id} and {@code text} are used.
 */
public final class DocumentsInput {
  private DocumentsInput() {}

  /** {@code doc_id, text} of every input, in one Dataset; the table paths go to {@code tables}. */
  public static Dataset<Row> read(SparkSession spark, List<String> inputs, String job, List<String> tables) {
    if (inputs.isEmpty()) {
      throw new JobException(job + ": no input given: pass --input DIR (a folder with a documents/ table)");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> all = null;
    for (String in : inputs) {
      if (in.endsWith(".jsonl") || in.endsWith(".jsonl.gz") || in.endsWith(".json") || in.endsWith(".json.gz")) {
        Dataset<Row> j = jsonLines(spark, in, job);
        tables.add(HadoopPaths.qualify(in, conf).toString());
        all = all == null ? j : all.unionAll(j);
        continue;
      }
      Path p = HadoopPaths.qualify(in, conf);
      Path table = p;
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
          throw new JobException(job + ": input '" + in + "' does not exist");
        }
        if (fs.exists(new Path(p, "documents"))) {
          table = new Path(p, "documents");
        }
      } catch (IOException e) {
        throw new JobException(job + ": cannot read input '" + in + "': " + e.getMessage(), e);
      }
      Dataset<Row> d;
      try {
        d = spark.read().parquet(table.toString());
      } catch (RuntimeException e) {
        throw new JobException(job + ": input '" + in + "' is not a documents table (" + table + "): "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
      }
      List<String> cols = Arrays.asList(d.columns());
      if (!cols.contains("doc_id") || !cols.contains("text")) {
        throw new JobException(job + ": table " + table + " has no doc_id and text columns (it has " + cols + ")");
      }
      tables.add(table.toString());
      Dataset<Row> sel = d.select("doc_id", "text");
      all = all == null ? sel : all.unionAll(sel);
    }
    return all;
  }

  private static Dataset<Row> jsonLines(SparkSession spark, String in, String job) {
    Dataset<Row> j;
    try {
      j = spark.read().json(in);
    } catch (RuntimeException e) {
      throw new JobException(job + ": cannot read '" + in + "': " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
    List<String> cols = Arrays.asList(j.columns());
    String id = cols.contains("doc_id") ? "doc_id" : cols.contains("id") ? "id" : null;
    if (!cols.contains("text") || id == null) {
      throw new JobException(job + ": '" + in + "' needs text and id (or doc_id) fields (it has " + cols + ")");
    }
    return j.select(functions.col(id).cast("string").as("doc_id"), functions.col("text"));
  }
}
