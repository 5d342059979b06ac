package org.sparklm.jobs.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklm.jobs.common.JobException;
import org.sparklm.udfs.ingest.CrawlReader;
import org.sparklm.udfs.ingest.Reasons;
import org.sparklm.udfs.ingest.WarcIngest;

/**
 * Parquet files as an ingest source: each row's text field (already extracted text, as in
 * FineWeb-style datasets) becomes a document; a row without text becomes a reject. Rows carry
 * no offset in a file, so {@code source.offset} is 0 and the id comes from the id field, or from
 * the file, URL and text when there is none.
 */
final class ParquetSource {
  private ParquetSource() {}

  static Dataset<Row> items(SparkSession spark, List<String> files, CrawlReader.Fields fields, WarcIngest.Options opts) {
    Dataset<Row> in = spark.read().parquet(files.toArray(new String[0]));
    List<String> cols = Arrays.asList(in.columns());
    if (!cols.contains(fields.text())) {
      throw new JobException("ingest: Parquet input " + files + " has no column '" + fields.text()
          + "' (columns: " + String.join(", ", cols) + "): set ingest.text_field");
    }
    List<Column> select = new ArrayList<>();
    select.add(functions.col(fields.text()).cast("string"));
    select.add(cols.contains(fields.url()) ? functions.col(fields.url()).cast("string") : functions.lit(null).cast("string"));
    select.add(cols.contains(fields.id()) ? functions.col(fields.id()).cast("string") : functions.lit(null).cast("string"));
    select.add(functions.input_file_name());
    long max = opts.maxRecordBytes();
    return in.select(select.toArray(new Column[0])).mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        String text = r.getString(0);
        String url = r.getString(1);
        String file = r.getString(3);
        if (text == null) {
          return IngestJob.toRow(new WarcIngest.Reject(file, 0, url, Reasons.BAD_LINE, "row without text"));
        }
        if (text.length() > max) {
          return IngestJob.toRow(new WarcIngest.Reject(file, 0, url, Reasons.TOO_LARGE, "text of " + text.length() + " characters"));
        }
        String id = r.getString(2) != null ? r.getString(2) : file + "\n" + url + "\n" + text;
        return IngestJob.toRow(new WarcIngest.Doc(WarcIngest.docId(id), url, null, "text/plain", "UTF-8", 0, null, text, 0, file, 0));
      }
    }, Encoders.row(IngestJob.ITEMS));
  }
}
