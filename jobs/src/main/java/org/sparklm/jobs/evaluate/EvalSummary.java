package org.sparklm.jobs.evaluate;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * {@code eval_summary}: per (run, step, dataset, domain) the sums (tokens, bytes, words, log-prob,
 * documents) and the figures made from them: NLL per token, perplexity, bits per byte
 * (-Σ log p / (ln 2 · Σ bytes)), word perplexity, and bootstrap standard errors of NLL/token and
 * bits/byte over documents (documents resampled with replacement, the ratio recomputed). Domain
 * {@code *} is the whole dataset; datasets without domains have only that row.
 */
final class EvalSummary {
  private EvalSummary() {}

  static final String ALL = "*";

  static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("run", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("dataset", DataTypes.StringType, false),
      DataTypes.createStructField("domain", DataTypes.StringType, false),
      DataTypes.createStructField("documents", DataTypes.LongType, false),
      DataTypes.createStructField("tokens", DataTypes.LongType, false),
      DataTypes.createStructField("bytes", DataTypes.LongType, false),
      DataTypes.createStructField("words", DataTypes.LongType, false),
      DataTypes.createStructField("sum_logprob", DataTypes.DoubleType, false),
      DataTypes.createStructField("nll_per_token", DataTypes.DoubleType, false),
      DataTypes.createStructField("perplexity", DataTypes.DoubleType, false),
      DataTypes.createStructField("bits_per_byte", DataTypes.DoubleType, false),
      DataTypes.createStructField("word_perplexity", DataTypes.DoubleType, false),
      DataTypes.createStructField("nll_per_token_se", DataTypes.DoubleType, true),
      DataTypes.createStructField("bits_per_byte_se", DataTypes.DoubleType, true),
      DataTypes.createStructField("bootstrap_samples", DataTypes.IntegerType, false),
      DataTypes.createStructField("window_policy", DataTypes.StringType, false),
      DataTypes.createStructField("checkpoint", DataTypes.StringType, false),
      DataTypes.createStructField("evaluated_at", DataTypes.TimestampType, false)});

  record Key(String run, long step, String dataset, String domain, String window, String checkpoint) implements Serializable {}

  /** {@code docs} has eval_docs' columns. */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> docs, int samples, long seed, Timestamp at) {
    JavaRDD<Row> rows = docs.javaRDD().flatMapToPair(r -> {
      String run = r.getAs("run");
      long step = r.getAs("step");
      String dataset = r.getAs("dataset");
      String domain = r.getAs("domain");
      String window = r.getAs("window_policy");
      String ck = r.getAs("checkpoint");
      double[] v = {r.<Double>getAs("sum_logprob"), r.<Long>getAs("tokens"), r.<Long>getAs("bytes"), r.<Long>getAs("words")};
      List<Tuple2<Key, double[]>> out = new ArrayList<>();
      out.add(new Tuple2<>(new Key(run, step, dataset, ALL, window, ck), v));
      if (domain != null) {
        out.add(new Tuple2<>(new Key(run, step, dataset, domain, window, ck), v));
      }
      return out.iterator();
    }).groupByKey().map(g -> row(g._1(), g._2(), samples, seed, at));
    return spark.createDataFrame(rows, SCHEMA);
  }

  static Row row(Key k, Iterable<double[]> docs, int samples, long seed, Timestamp at) {
    List<double[]> d = new ArrayList<>();
    docs.forEach(d::add);
    // a stable order, so the bootstrap does not depend on the shuffle's
    d.sort((a, b) -> {
      for (int i = 0; i < a.length; i++) {
        int c = Double.compare(a[i], b[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    double lp = 0;
    long tokens = 0;
    long bytes = 0;
    long words = 0;
    for (double[] x : d) {
      lp += x[0];
      tokens += (long) x[1];
      bytes += (long) x[2];
      words += (long) x[3];
    }
    double nll = -lp / tokens;
    double bpb = -lp / (Math.log(2) * bytes);
    Double nllSe = null;
    Double bpbSe = null;
    if (samples > 1 && d.size() > 1) {
      SplittableRandom rng = new SplittableRandom(seed ^ k.hashCode());
      double[] nlls = new double[samples];
      double[] bpbs = new double[samples];
      for (int b = 0; b < samples; b++) {
        double l = 0;
        double t = 0;
        double by = 0;
        for (int i = 0; i < d.size(); i++) {
          double[] x = d.get(rng.nextInt(d.size()));
          l += x[0];
          t += x[1];
          by += x[2];
        }
        nlls[b] = -l / t;
        bpbs[b] = -l / (Math.log(2) * by);
      }
      nllSe = std(nlls);
      bpbSe = std(bpbs);
    }
    return RowFactory.create(k.run(), k.step(), k.dataset(), k.domain(), (long) d.size(), tokens, bytes, words, lp, nll,
        Math.exp(nll), bpb, Math.exp(-lp / Math.max(1, words)), nllSe, bpbSe, samples, k.window(), k.checkpoint(), at);
  }

  static double std(double[] v) {
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (v.length - 1));
  }
}
