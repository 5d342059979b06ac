package org.sparklm.jobs.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.TaskCompletionListener;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.IngestConfig;
import org.sparklm.udfs.extract.MainContent;
import org.sparklm.udfs.ingest.CrawlReader;
import org.sparklm.udfs.ingest.Reasons;
import org.sparklm.udfs.ingest.WarcIngest;

/**
 * The {@code ingest} job: crawl files in (WARC and WET, plain, gzip or zstd; JSONL; Parquet), a
 * {@code documents} table and a {@code rejects} table out. Every response or conversion record,
 * JSONL line and Parquet row of every input file lands in exactly one of the two.
 *
 * <p>One task per input file (WARC files are the unit crawlers write, ~1 GB each in Common
 * Crawl); the rows of both tables come from one pass over the files.
 */
public final class IngestJob {
  private IngestJob() {}

  public static final StructType SOURCE = new StructType(new StructField[] {
      DataTypes.createStructField("file", DataTypes.StringType, false),
      DataTypes.createStructField("offset", DataTypes.LongType, false)});

  public static final StructType DOCUMENTS = new StructType(new StructField[] {
      DataTypes.createStructField("doc_id", DataTypes.StringType, false),
      DataTypes.createStructField("url", DataTypes.StringType, true),
      DataTypes.createStructField("fetched_at", DataTypes.TimestampType, true),
      DataTypes.createStructField("content_type", DataTypes.StringType, false),
      DataTypes.createStructField("charset", DataTypes.StringType, false),
      DataTypes.createStructField("http_status", DataTypes.IntegerType, false),
      DataTypes.createStructField("title", DataTypes.StringType, true),
      DataTypes.createStructField("text", DataTypes.StringType, false),
      DataTypes.createStructField("invalid_bytes", DataTypes.IntegerType, false),
      DataTypes.createStructField("source", SOURCE, false)});

  public static final StructType REJECTS = new StructType(new StructField[] {
      DataTypes.createStructField("source", SOURCE, false),
      DataTypes.createStructField("url", DataTypes.StringType, true),
      DataTypes.createStructField("reason", DataTypes.StringType, false),
      DataTypes.createStructField("detail", DataTypes.StringType, true)});

  /** Both tables in one row type: {@code doc} or {@code reject} set, the other null. */
  static final StructType ITEMS = new StructType(new StructField[] {
      DataTypes.createStructField("doc", DOCUMENTS, true),
      DataTypes.createStructField("reject", REJECTS, true)});

  /** What a run did, for the summary line and tests. */
  public record Result(int files, long documents, long rejects, Map<String, Long> rejectsByReason,
                       String documentsPath, String rejectsPath, List<Row> sampleRejects) {}

  /** {@code spark-submit --class org.sparklm.jobs.ingest.IngestJob sparklm.jar --input ... --output ...} */
  public static void main(String[] args) {
    Main.exit(Main.run(prepend("ingest", args)));
  }

  public static Result run(SparkSession spark, IngestConfig cfg) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> files = HadoopPaths.expandFiles(cfg.input(), jsc.hadoopConfiguration(), "ingest");
    HadoopConf conf = new HadoopConf(jsc.hadoopConfiguration());
    WarcIngest.Options opts = options(cfg);

    CrawlReader.Fields fields = new CrawlReader.Fields(cfg.textField(), cfg.urlField(), cfg.idField());
    List<String> parquet = new ArrayList<>();
    List<String> streams = new ArrayList<>();
    for (String f : files) {
      (isParquet(f, cfg.format(), conf) ? parquet : streams).add(f);
    }
    Dataset<Row> all = null;
    if (!streams.isEmpty()) {
      JavaRDD<Row> items = jsc.parallelize(streams, Math.max(1, streams.size()))
          .flatMap(file -> readFile(file, conf, opts, fields));
      all = spark.createDataFrame(items, ITEMS);
    }
    if (!parquet.isEmpty()) {
      Dataset<Row> pq = ParquetSource.items(spark, parquet, fields, opts);
      all = all == null ? pq : all.union(pq);
    }
    all = all.persist(StorageLevel.MEMORY_AND_DISK());
    try (Outputs out = new Outputs(spark, cfg.output())) {
      out.write("documents", all.where("doc IS NOT NULL").select("doc.*"));
      out.write("rejects", all.where("reject IS NOT NULL").select("reject.*"));
      out.commit();
      Dataset<Row> docs = spark.read().parquet(out.tablePath("documents").toString());
      Dataset<Row> rejects = spark.read().parquet(out.tablePath("rejects").toString());
      Map<String, Long> byReason = new LinkedHashMap<>();
      for (Row r : rejects.groupBy("reason").count().orderBy(functions.desc("count"), functions.asc("reason")).collectAsList()) {
        byReason.put(r.getString(0), r.getLong(1));
      }
      List<Row> sample = rejects.where(functions.col("reason").isin(PROBLEMS.toArray()))
          .orderBy("source.file", "source.offset").limit(5).collectAsList();
      return new Result(files.size(), docs.count(), rejects.count(), byReason,
          out.tablePath("documents").toString(), out.tablePath("rejects").toString(), sample);
    } finally {
      all.unpersist();
    }
  }

  /** The reader options a config stands for. */
  public static WarcIngest.Options options(IngestConfig cfg) {
    return new WarcIngest.Options(cfg.maxRecordBytes(), cfg.maxInvalidByteFraction(), cfg.contentTypes(),
        switch (cfg.extractor()) {
          case "visible_text" -> WarcIngest.Extractor.VISIBLE_TEXT;
          case "main_content_dom" -> WarcIngest.Extractor.MAIN_CONTENT_DOM;
          default -> WarcIngest.Extractor.MAIN_CONTENT;
        },
        new MainContent.Limits(cfg.maxExtractChars(), cfg.maxExtractMillis()));
  }

  /** Reasons that mean something could not be read, as opposed to a record filtered by the settings. */
  public static final List<String> PROBLEMS = List.of(
      Reasons.NOT_WARC, Reasons.TRUNCATED, Reasons.CORRUPT_RECORD, Reasons.READ_ERROR, Reasons.INVALID_ENCODING,
      Reasons.MALFORMED_HTTP, Reasons.BAD_CONTENT_ENCODING, Reasons.EXTRACT_LIMIT, Reasons.BAD_LINE);

  /** Parquet inputs go through Spark's reader; {@code format: auto} tells them by name or by their "PAR1" magic. */
  static boolean isParquet(String file, String format, HadoopConf conf) {
    if (!format.equals("auto")) {
      return format.equals("parquet");
    }
    if (file.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
      return true;
    }
    Path p = new Path(file);
    try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1';
    } catch (IOException e) {
      return false; // the task that reads it reports the error
    }
  }

  /**
   * One file's documents and rejects as the task consumes them, {@link #READ_BATCH} at a time
   * (see {@link PushToPull}): a task never holds a whole file's text.
   */
  static Iterator<Row> readFile(String file, HadoopConf conf, WarcIngest.Options opts, CrawlReader.Fields fields) {
    PushToPull<Row> rows = new PushToPull<>("sparklm-ingest " + file, READ_BATCH, sink -> {
      Path path = new Path(file);
      try (InputStream in = openStream(path, conf)) {
        CrawlReader.read(file, in, opts, fields, item -> sink.accept(toRow(item)));
      } catch (IOException e) {
        sink.accept(toRow(new WarcIngest.Reject(file, 0, null, Reasons.READ_ERROR, e.toString())));
      }
    });
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> rows.close()); // finished, failed or killed: stop the reader
    }
    return rows;
  }

  /** Documents handed from a file's reader to its task at a time. */
  static final int READ_BATCH = 64;

  private static InputStream openStream(Path path, HadoopConf conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf.get());
    return new java.io.BufferedInputStream(fs.open(path), 1 << 16);
  }

  static Row toRow(WarcIngest.Item item) {
    if (item instanceof WarcIngest.Doc d) {
      Row doc = RowFactory.create(d.docId(), d.url(), d.fetchedAt() == null ? null : Timestamp.from(d.fetchedAt()),
          d.contentType(), d.charset(), d.httpStatus(), d.title(), d.text(), d.invalidBytes(),
          RowFactory.create(d.file(), d.offset()));
      return RowFactory.create(doc, null);
    }
    WarcIngest.Reject r = (WarcIngest.Reject) item;
    return RowFactory.create(null, RowFactory.create(RowFactory.create(r.file(), r.offset()), r.url(), r.reason(), r.detail()));
  }

  static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
