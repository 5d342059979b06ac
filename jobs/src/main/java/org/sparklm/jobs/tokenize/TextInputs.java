package org.sparklm.jobs.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklm.jobs.common.JobException;

/**
 * Text for the tokenizer check and benchmark: documents tables (as {@link DocumentsInput}) or
 * JSON Lines files with a {@code text} field and an {@code id} or {@code doc_id} (e.g. the Brown
 * corpus as shipped in shared/data).
 */
final class TextInputs {
  private TextInputs() {}

  static Dataset<Row> read(SparkSession spark, List<String> inputs, String job) {
    if (inputs == null || inputs.isEmpty()) {
      throw new JobException(job + ": no input given: pass --input (a folder with a documents/ table, or a .jsonl[.gz] file)");
    }
    Dataset<Row> all = null;
    for (String in : inputs) {
      Dataset<Row> d;
      if (in.endsWith(".jsonl") || in.endsWith(".jsonl.gz") || in.endsWith(".json") || in.endsWith(".json.gz")) {
        Dataset<Row> j;
        try {
          j = spark.read().json(in);
        } catch (RuntimeException e) {
          throw new JobException(job + ": cannot read '" + in + "': " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        List<String> cols = Arrays.asList(j.columns());
        if (!cols.contains("text")) {
          throw new JobException(job + ": '" + in + "' has no text field (it has " + cols + ")");
        }
        String idCol = cols.contains("doc_id") ? "doc_id" : cols.contains("id") ? "id" : null;
        d = j.select(idCol == null ? functions.monotonically_increasing_id().cast("string").as("doc_id")
            : functions.col(idCol).cast("string").as("doc_id"), functions.col("text"));
      } else {
        d = DocumentsInput.read(spark, List.of(in), job, new ArrayList<>());
      }
      all = all == null ? d : all.unionAll(d);
    }
    return all;
  }
}
