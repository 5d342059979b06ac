package org.sparklm.jobs.dedup.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.config.DedupConfig;
import org.sparklm.jobs.dedup.DedupJob;
import org.sparklm.udfs.ingest.WarcIngest;
import org.sparklm.udfs.sql.SparklmUdfs;

/**
 * The dedup benchmark: sparklm's dedup job against Spark MLlib's {@code MinHashLSH} +
 * {@code approxSimilarityJoin}, on the same generated corpus, in the same JVM and run.
 *
 * <p>The corpus is real English: the sentences of the Brown Corpus and of the Python docs crawl
 * (both from the shared data folder), drawn at random into documents of 30-60 sentences. Every
 * 50th document has an exact copy (case and whitespace changed), and planted near copies with
 * 1%, 2%, 5% and 10% of their words replaced (two 1% and two 2% copies per 50 documents, one 5%,
 * one 10%). The ground truth is in the corpus (columns {@code family}, {@code plant},
 * {@code edit_rate}). The corpus is written under the work folder at run time, never committed.
 *
 * <pre>
 * java $(grep -v '^#' bin/jvm-options) -Xmx6g -cp "jobs/target/sparklm.jar:jobs/target/spark-home/jars/*" \
 *   org.sparklm.jobs.dedup.bench.DedupBench --data ../shared/data --work /tmp/sparklm-dedup-bench \
 *   --sizes 50,100,200 --mllib-sizes 50,200
 * </pre>
 */
public final class DedupBench {
  private DedupBench() {}

  static final StructType CORPUS = new StructType()
      .add("doc_id", DataTypes.StringType, false)
      .add("url", DataTypes.StringType, false)
      .add("fetched_at", DataTypes.TimestampType, false)
      .add("text", DataTypes.StringType, false)
      .add("family", DataTypes.LongType, false)
      .add("plant", DataTypes.StringType, false)
      .add("edit_rate", DataTypes.DoubleType, false);

  /** Edit rates of the near copies planted per 50 documents (documents 1 to 6 of every 50). */
  static final double[] RATES = {0.01, 0.01, 0.02, 0.02, 0.05, 0.10};

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String data = a.getOrDefault("data", "../shared/data");
    String work = a.getOrDefault("work", "/tmp/sparklm-dedup-bench");
    List<Integer> sizes = ints(a.getOrDefault("sizes", "50,100,200"));
    List<Integer> mllibSizes = ints(a.getOrDefault("mllib-sizes", "50,200"));
    int mllibTables = Integer.parseInt(a.getOrDefault("mllib-tables", "5"));
    String master = a.getOrDefault("master", "local[2]");

    SparkSession spark = SparkSession.builder().master(master).appName("sparklm-dedup-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", a.getOrDefault("shuffle-partitions", "16"))
        .getOrCreate();
    SparklmUdfs.registerAll(spark);
    int cores = spark.sparkContext().defaultParallelism();
    List<String> sentences = sentences(data);
    System.out.printf(Locale.ROOT, "bench: %d sentences from %s, master %s, %d cores%n", sentences.size(), data, master, cores);

    // sparklm at every size first (the scaling series), then MLlib at its sizes, on the same corpora.
    Map<Integer, double[]> corpora = new LinkedHashMap<>();
    List<Integer> all = new ArrayList<>(sizes);
    mllibSizes.stream().filter(x -> !all.contains(x)).forEach(all::add);
    for (int size : all) {
      String corpus = work + "/corpus-" + size + "mb";
      boolean reuse = Boolean.parseBoolean(a.getOrDefault("reuse", "false"))
          && new java.io.File(corpus.replaceFirst("^file:", ""), "_SUCCESS").exists();
      double mb = reuse ? textMb(spark, corpus) : generate(spark, sentences, size, corpus);
      long docs = spark.read().parquet(corpus).count();
      corpora.put(size, new double[] {mb, docs});
      System.out.printf(Locale.ROOT, "corpus %d MB target: %.1f MB of text, %d documents (%s)%n", size, mb, docs, corpus);
    }
    for (int size : sizes) {
      String corpus = work + "/corpus-" + size + "mb";
      double mb = corpora.get(size)[0];
      long docs = (long) corpora.get(size)[1];
      // sparklm: signatures alone (the SQL UDF), then the whole job.
      long t0 = System.nanoTime();
      spark.read().parquet(corpus).selectExpr("sum(sparklm_minhash(text)[0] % 1000)").collectAsList();
      double sigSec = secs(t0);
      JobTimes times = new JobTimes();
      spark.sparkContext().addSparkListener(times);
      t0 = System.nanoTime();
      DedupJob.Result r = DedupJob.run(spark, DedupConfig.DEFAULTS.withInput(List.of(corpus)).withOutput(work + "/out-" + size + "mb"));
      double jobSec = secs(t0);
      spark.sparkContext().removeSparkListener(times);
      if (Boolean.parseBoolean(a.getOrDefault("trace", "false"))) {
        times.print();
      }
      Quality q = sparklmQuality(spark, corpus, work + "/out-" + size + "mb");
      report("sparklm", size, mb, docs, cores, sigSec, jobSec, q,
          String.format(Locale.ROOT, "%d exact + %d near removed, %d candidate pairs, %d CC rounds",
              r.exactDuplicates(), r.nearDuplicates(), r.candidatePairs(), r.componentRounds()));
    }
    for (int size : mllibSizes) {
      String corpus = work + "/corpus-" + size + "mb";
      double mb = corpora.get(size)[0];
      long docs = (long) corpora.get(size)[1];
      Mllib m = mllib(spark, corpus, work + "/mllib-pairs-" + size + "mb", mllibTables);
      Quality mq = pairQuality(spark, corpus, work + "/mllib-pairs-" + size + "mb");
      report("mllib", size, mb, docs, cores, m.sigSec, m.jobSec, mq,
          String.format(Locale.ROOT, "%d pairs within Jaccard distance 0.3, %d hash tables, 2^22 features", m.pairs, mllibTables));
    }
    spark.stop();
  }

  /** Wall time of each Spark job with its call site, to see where a run goes (--trace true). */
  static final class JobTimes extends org.apache.spark.scheduler.SparkListener {
    private final Map<Integer, Long> start = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, String> site = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
      start.put(e.jobId(), e.time());
      // the call site of the job's last stage, e.g. "parquet at DedupJob.java:180"
      String name = e.stageInfos().isEmpty() ? "?" : e.stageInfos().last().name();
      site.put(e.jobId(), name + " (" + e.stageInfos().size() + " stages)");
    }

    @Override
    public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
      done.add(String.format(Locale.ROOT, "  %7.1f s  job %d  %s", (e.time() - start.getOrDefault(e.jobId(), e.time())) / 1000.0,
          e.jobId(), site.get(e.jobId())));
    }

    void print() {
      synchronized (done) {
        done.forEach(System.out::println);
      }
    }
  }

  record Quality(Map<Double, double[]> recallByRate, double precision) {}

  record Mllib(double sigSec, double jobSec, long pairs) {}

  static void report(String who, int size, double mb, long docs, int cores, double sigSec, double jobSec, Quality q, String note) {
    StringBuilder rec = new StringBuilder();
    q.recallByRate().forEach((rate, v) -> rec.append(String.format(Locale.ROOT, " %.0f%%:%.3f(%d)", rate * 100, v[0], (long) v[1])));
    System.out.printf(Locale.ROOT, "RESULT %-7s %3d MB | signatures %.1f s = %.2f MB/s/core | job %.1f s = %.2f MB/s/core, %.0f docs/s "
            + "| recall by edit rate%s | pair precision %.4f | %s%n",
        who, size, sigSec, mb / sigSec / cores, jobSec, mb / jobSec / cores, docs / jobSec, rec, q.precision(), note);
  }

  /** Recall per planted edit rate (original and copy in one cluster) and the precision of same-cluster pairs. */
  static Quality sparklmQuality(SparkSession spark, String corpus, String out) {
    spark.read().parquet(corpus).createOrReplaceTempView("bench_corpus");
    spark.read().parquet(out + "/documents").createOrReplaceTempView("bench_kept");
    spark.read().parquet(out + "/duplicates").createOrReplaceTempView("bench_dups");
    spark.sql("SELECT c.doc_id, c.family, c.plant, c.edit_rate, k.cluster FROM bench_corpus c JOIN "
        + "(SELECT doc_id, cluster_id AS cluster FROM bench_kept UNION ALL SELECT doc_id, kept_doc_id FROM bench_dups) k "
        + "ON c.doc_id = k.doc_id").createOrReplaceTempView("bench_assigned");
    Map<Double, double[]> recall = new java.util.TreeMap<>();
    for (Row row : spark.sql("SELECT c.edit_rate, avg(IF(c.cluster = o.cluster, 1D, 0D)), count(*) FROM bench_assigned c "
        + "JOIN bench_assigned o ON o.family = c.family AND o.plant = 'original' WHERE c.plant = 'near' "
        + "GROUP BY c.edit_rate").collectAsList()) {
      recall.put(row.getDouble(0), new double[] {row.getDouble(1), row.getLong(2)});
    }
    Row p = spark.sql("WITH cf AS (SELECT cluster, family, count(*) AS n FROM bench_assigned GROUP BY cluster, family), "
        + "c AS (SELECT cluster, sum(n) AS n FROM cf GROUP BY cluster) "
        + "SELECT (SELECT sum(n * (n - 1) DIV 2) FROM cf), (SELECT sum(n * (n - 1) DIV 2) FROM c)").first();
    return new Quality(recall, p.isNullAt(1) || p.getLong(1) == 0 ? 1.0 : (double) p.getLong(0) / p.getLong(1));
  }

  /** Recall per planted edit rate (the original-copy pair was output) and the precision of the output pairs. */
  static Quality pairQuality(SparkSession spark, String corpus, String pairs) {
    spark.read().parquet(corpus).createOrReplaceTempView("bench_corpus");
    spark.read().parquet(pairs).createOrReplaceTempView("bench_pairs");
    Map<Double, double[]> recall = new java.util.TreeMap<>();
    for (Row row : spark.sql("SELECT c.edit_rate, avg(IF(p.a IS NULL, 0D, 1D)), count(*) FROM bench_corpus c "
        + "JOIN bench_corpus o ON o.family = c.family AND o.plant = 'original' "
        + "LEFT JOIN bench_pairs p ON p.a = least(c.doc_id, o.doc_id) AND p.b = greatest(c.doc_id, o.doc_id) "
        + "WHERE c.plant = 'near' GROUP BY c.edit_rate").collectAsList()) {
      recall.put(row.getDouble(0), new double[] {row.getDouble(1), row.getLong(2)});
    }
    Row p = spark.sql("SELECT sum(IF(x.family = y.family, 1, 0)), count(*) FROM bench_pairs p "
        + "JOIN bench_corpus x ON x.doc_id = p.a JOIN bench_corpus y ON y.doc_id = p.b").first();
    return new Quality(recall, p.getLong(1) == 0 ? 1.0 : (double) p.getLong(0) / p.getLong(1));
  }

  /** MLlib's documented way: tokens, word 5-grams, binary hashed term vectors, MinHashLSH, approxSimilarityJoin. */
  static Mllib mllib(SparkSession spark, String corpus, String pairsOut, int tables) {
    Dataset<Row> docs = spark.read().parquet(corpus).select("doc_id", "text");
    Pipeline features = new Pipeline().setStages(new PipelineStage[] {
        new RegexTokenizer().setInputCol("text").setOutputCol("tokens").setPattern("[^\\p{L}\\p{N}]+").setToLowercase(true),
        new NGram().setN(5).setInputCol("tokens").setOutputCol("ngrams"),
        new HashingTF().setInputCol("ngrams").setOutputCol("features").setBinary(true).setNumFeatures(1 << 22)});
    long t0 = System.nanoTime();
    PipelineModel fm = features.fit(docs);
    // MinHashLSH refuses an empty vector: documents with fewer than 5 words cannot take part.
    Dataset<Row> vec = fm.transform(docs).where("size(ngrams) > 0").select("doc_id", "features");
    MinHashLSHModel lsh = new MinHashLSH().setInputCol("features").setOutputCol("hashes").setNumHashTables(tables).setSeed(1).fit(vec);
    lsh.transform(vec).selectExpr("sum(size(hashes))").collectAsList();
    double sigSec = secs(t0);

    t0 = System.nanoTime();
    Dataset<Row> vec2 = fm.transform(spark.read().parquet(corpus).select("doc_id", "text")).where("size(ngrams) > 0").select("doc_id", "features");
    lsh.approxSimilarityJoin(vec2, vec2, 0.3, "distance")
        .selectExpr("datasetA.doc_id AS a", "datasetB.doc_id AS b", "distance")
        .where("a < b")
        .write().mode(SaveMode.Overwrite).parquet(pairsOut);
    double jobSec = secs(t0);
    return new Mllib(sigSec, jobSec, spark.read().parquet(pairsOut).count());
  }

  /** Writes the corpus of about {@code sizeMb} MB of text; returns its text MB (UTF-8). */
  static double generate(SparkSession spark, List<String> sentences, int sizeMb, String out) {
    double avgSentence = sentences.stream().mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length + 1).average().orElse(100);
    double perFamily = 45 * avgSentence * (1 + (1 + RATES.length) / 50.0);
    long families = Math.round(sizeMb * 1e6 / perFamily);
    Broadcast<String[]> pool = spark.sparkContext().broadcast(sentences.toArray(String[]::new),
        scala.reflect.ClassTag$.MODULE$.apply(String[].class));
    Broadcast<String[]> vocab = spark.sparkContext().broadcast(PlantedCorpus.vocabulary(sentences).toArray(String[]::new),
        scala.reflect.ClassTag$.MODULE$.apply(String[].class));
    FlatMapFunction<Long, Row> family = i -> familyRows(i, pool.value(), vocab.value()).iterator();
    spark.range(0, families, 1, Math.max(4, sizeMb / 8)).as(org.apache.spark.sql.Encoders.LONG())
        .flatMap(family, org.apache.spark.sql.Encoders.row(CORPUS))
        .write().mode(SaveMode.Overwrite).parquet(out);
    return textMb(spark, out);
  }

  static double textMb(SparkSession spark, String corpus) {
    return spark.read().parquet(corpus).selectExpr("sum(octet_length(text))").first().getLong(0) / 1e6;
  }

  static List<Row> familyRows(long i, String[] pool, String[] vocab) {
    Random rnd = new Random(0x5eed_0000_0000L + i);
    int n = 30 + rnd.nextInt(31);
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < n; s++) {
      sb.append(pool[rnd.nextInt(pool.length)]).append(s % 6 == 5 ? "\n\n" : " ");
    }
    String text = sb.toString().trim();
    long t0 = Timestamp.valueOf("2026-01-01 00:00:00").getTime();
    List<Row> rows = new ArrayList<>();
    String id = String.format(Locale.ROOT, "d%09d", i);
    rows.add(row(id + "-o", new Timestamp(t0 + i * 1000), text, i, "original", 0.0));
    if (i % 50 == 0) {
      rows.add(row(id + "-x", new Timestamp(t0 + i * 1000 + 7_000_000_000L), PlantedCorpus.exactCopy(text), i, "exact", 0.0));
    }
    List<String> v = java.util.Arrays.asList(vocab);
    for (int k = 0; k < RATES.length; k++) {
      if (i % 50 == k + 1) {
        rows.add(row(id + "-n", new Timestamp(t0 + i * 1000 + 7_000_000_000L),
            PlantedCorpus.nearCopy(text, RATES[k], rnd, v), i, "near", RATES[k]));
      }
    }
    return rows;
  }

  static Row row(String id, Timestamp at, String text, long family, String plant, double rate) {
    return RowFactory.create(id, "http://bench.example/" + id, at, text, family, plant, rate);
  }

  /** Sentences (5 words or more) of the Brown Corpus and of the crawl's pages. */
  static List<String> sentences(String data) throws Exception {
    List<String> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(new FileInputStream(data + "/brown.jsonl.gz")), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        split(json.readTree(line).get("text").asText(), out);
      }
    }
    List<String> pages = new ArrayList<>();
    try (InputStream in = new java.io.BufferedInputStream(new FileInputStream(data + "/dev-crawl.warc.gz"))) {
      WarcIngest.read(data + "/dev-crawl.warc.gz", in, new WarcIngest.Options(16L << 20, 0.01, List.of("text/html")),
          item -> {
            if (item instanceof WarcIngest.Doc d) {
              pages.add(d.text());
            }
          });
    }
    for (String p : pages) {
      split(p, out);
    }
    return out;
  }

  static void split(String text, List<String> out) {
    for (String s : text.split("(?<=[.!?])\\s+|\\n+")) {
      s = s.strip();
      if (s.split("\\s+").length >= 5) {
        out.add(s);
      }
    }
  }

  static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
