package org.sparklm.jobs.common;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.config.SparkSettings;
import org.sparklm.udfs.sql.SparklmUdfs;

/** Makes the Spark session a job runs in, with every sparklm SQL function registered. */
public final class Sessions {
  private Sessions() {}

  /**
   * The master is, in order: {@code --master}; the one spark-submit set ({@code spark.master} in
   * the system properties); {@code spark.master} in the config.
   */
  public static SparkSession create(SparkSettings settings, String masterOverride) {
    return create(settings, masterOverride, null);
  }

  /** As above, with the SQL tokenizer functions using the tokenizer at {@code tokenizerPath}. */
  public static SparkSession create(SparkSettings settings, String masterOverride, String tokenizerPath) {
    scala.Option<SparkSession> running = SparkSession.getDefaultSession();
    if (running.isDefined()) {
      // embedded in an application (or a test) that already runs Spark: use its session as is
      SparklmUdfs.registerAll(running.get(), tokenizerPath);
      return running.get();
    }
    SparkConf submitted = new SparkConf(); // reads the spark.* system properties spark-submit sets
    SparkSession.Builder b = SparkSession.builder();
    if (!submitted.contains("spark.app.name")) {
      b.appName(settings.appName());
    }
    if (masterOverride != null && !masterOverride.isBlank()) {
      b.master(masterOverride);
    } else if (!submitted.contains("spark.master")) {
      b.master(settings.master());
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      b.config(e.getKey(), e.getValue());
    }
    SparkSession spark = b.getOrCreate();
    SparklmUdfs.registerAll(spark, tokenizerPath);
    return spark;
  }
}
