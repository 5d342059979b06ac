package org.sparklm.jobs.evaluate;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;

/**
 * The evaluation tables as Apache Iceberg tables: atomic commits (several {@code evaluate} jobs
 * may write at once), any SQL engine with an Iceberg reader can query them, and a rerun of the
 * same (run, step, dataset) replaces exactly its rows.
 *
 * <p>The default catalog is Iceberg's JDBC catalog on an embedded SQLite file,
 * {@code <warehouse>/iceberg/catalog.sqlite}, with the tables under {@code <warehouse>/iceberg/}:
 * no server. SQLite settings that keep concurrent writers safe: {@code busy_timeout} (Iceberg does
 * not retry SQLITE_BUSY), WAL journal, {@code jdbc.schema-version=V1}, and
 * {@code commit.retry.num-retries} on every table. {@code eval.catalog_properties} points it at
 * another Iceberg catalog (Hive, REST, ...) instead.
 *
 * <p>Every table is partitioned by identity on (run, dataset, step), so replacing a
 * (run, step, dataset) is a metadata-only overwrite of whole partitions, and concurrent jobs
 * writing different partitions never conflict.
 */
public final class EvalTables {
  public static final String DOCS = "eval_docs";
  public static final String SUMMARY = "eval_summary";
  public static final String TOKENS = "eval_tokens";
  public static final String TASKS = "eval_tasks";
  public static final List<String> ALL = List.of(DOCS, SUMMARY, TOKENS, TASKS);
  /** Where the embedded catalog lives below the warehouse. */
  public static final String ICEBERG_DIR = "iceberg";
  public static final String SQLITE_FILE = "catalog.sqlite";

  private final SparkSession spark;
  private final String catalog;
  private final String namespace;
  private final int retries;

  private EvalTables(SparkSession spark, String catalog, String namespace, int retries) {
    this.spark = spark;
    this.catalog = catalog;
    this.namespace = namespace;
    this.retries = retries;
  }

  /** Registers the catalog in the session (idempotent) and creates the namespace if needed. */
  public static EvalTables open(SparkSession spark, String warehouse, EvalConfig cfg) {
    Map<String, String> props = catalogProperties(spark, warehouse, cfg.catalogProperties());
    String name = register(spark, cfg.catalog(), props);
    EvalTables t = new EvalTables(spark, name, cfg.namespace(), cfg.commitRetries());
    // The first use initializes the catalog: Iceberg's JdbcCatalog creates its SQL tables and
    // migrates them (ALTER TABLE ... ADD COLUMN iceberg_type) after checking that they need it, a
    // check-then-act that two jobs starting together both pass ("duplicate column name"). The
    // embedded catalog is therefore first opened under a lock on a file next to it.
    try (InitLock lock = InitLock.of(cfg.catalogProperties().isEmpty() ? props.get("uri") : null)) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + name + "." + cfg.namespace());
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).contains("already exists")) { // another job made it first
        throw new JobException("cannot open the Iceberg catalog " + props.getOrDefault("uri", props.toString())
            + ": " + firstLine(e), e);
      }
    }
    return t;
  }

  /**
   * An exclusive lock on {@code catalog.sqlite.lock} beside the embedded catalog, held across
   * JVMs (a file lock) and across threads of this JVM (file locks are per process).
   */
  static final class InitLock implements AutoCloseable {
    private static final java.util.concurrent.locks.ReentrantLock IN_JVM = new java.util.concurrent.locks.ReentrantLock();
    private final java.nio.channels.FileChannel channel;
    private final java.nio.channels.FileLock lock;

    private InitLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /** Takes the lock for a {@code jdbc:sqlite:<file>?...} uri; a no-op for other catalogs (null). */
    static InitLock of(String uri) {
      if (uri == null || !uri.startsWith("jdbc:sqlite:")) {
        return new InitLock(null, null);
      }
      String file = uri.substring("jdbc:sqlite:".length());
      int q = file.indexOf('?');
      java.nio.file.Path lockFile = java.nio.file.Path.of((q < 0 ? file : file.substring(0, q)) + ".lock");
      IN_JVM.lock();
      java.nio.channels.FileChannel ch = null;
      try {
        ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
        return new InitLock(ch, ch.lock());
      } catch (java.io.IOException | RuntimeException e) {
        IN_JVM.unlock();
        if (ch != null) {
          try {
            ch.close();
          } catch (java.io.IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw new JobException("cannot lock " + lockFile + " to open the evaluation catalog: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (channel == null) {
        return;
      }
      try {
        lock.release();
        channel.close();
      } catch (java.io.IOException e) {
        throw new JobException("cannot release the catalog lock: " + e.getMessage(), e);
      } finally {
        IN_JVM.unlock();
      }
    }
  }

  /** The embedded SQLite catalog's properties for {@code warehouse}, or the configured ones. */
  static Map<String, String> catalogProperties(SparkSession spark, String warehouse, Map<String, String> configured) {
    Map<String, String> p = new LinkedHashMap<>();
    if (!configured.isEmpty()) {
      p.putAll(configured);
      return p;
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(HadoopPaths.qualify(warehouse, conf), ICEBERG_DIR);
    if (!"file".equals(root.toUri().getScheme())) {
      throw new JobException("the embedded SQLite catalog needs a local warehouse, not '" + warehouse
          + "': set eval.catalog_properties (e.g. type: hive, uri: thrift://...) for tables on " + root.toUri().getScheme());
    }
    File dir = new File(root.toUri());
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new JobException("cannot create the catalog folder " + dir);
    }
    p.put("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
    p.put("uri", "jdbc:sqlite:" + new File(dir, SQLITE_FILE).getAbsolutePath() + "?busy_timeout=30000&journal_mode=WAL");
    p.put("jdbc.schema-version", "V1");
    p.put("warehouse", root.toString());
    // every query sees the latest commit, also one made by another job in the meantime
    p.put("cache-enabled", "false");
    return p;
  }

  /**
   * Registers an Iceberg {@code SparkCatalog} named {@code name} with {@code props}. The name is
   * also the catalog name Iceberg's JDBC catalog files its tables under, so it never changes; when
   * the session already has a catalog of that name with other properties (a second warehouse in
   * one session, as in tests and the demo), the session's cached catalogs are dropped so that the
   * new properties take effect.
   */
  static String register(SparkSession spark, String name, Map<String, String> props) {
    String prefix = "spark.sql.catalog." + name;
    if (spark.conf().contains(prefix) && sameProps(spark, prefix, props)) {
      return name;
    }
    boolean existed = spark.conf().contains(prefix);
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    for (Map.Entry<String, String> e : props.entrySet()) {
      spark.conf().set(prefix + "." + e.getKey(), e.getValue());
    }
    if (existed) {
      // CatalogManager.reset is private[sql] in Scala (public in bytecode): catalogs are
      // re-created from the conf on next use
      spark.sessionState().catalogManager().reset();
    }
    return name;
  }

  private static boolean sameProps(SparkSession spark, String prefix, Map<String, String> props) {
    for (Map.Entry<String, String> e : props.entrySet()) {
      String k = prefix + "." + e.getKey();
      if (!spark.conf().contains(k) || !spark.conf().get(k).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** The table's full name, e.g. {@code sparklm.eval.eval_docs}. */
  public String name(String table) {
    return catalog + "." + namespace + "." + table;
  }

  public String catalog() {
    return catalog;
  }

  /** Creates the table if it does not exist (safe when another job creates it at the same time). */
  public void create(String table, StructType schema) {
    create(table, schema, "dataset");
  }

  /** Creates the table partitioned by (run, {@code what}, step), {@code what} being dataset or task. */
  public void create(String table, StructType schema, String what) {
    String cols = String.join(", ", java.util.Arrays.stream(schema.fields())
        .map(f -> "`" + f.name() + "` " + f.dataType().sql()).toList()); // all optional: Spark's rows are nullable
    String sql = "CREATE TABLE IF NOT EXISTS " + name(table) + " (" + cols + ") USING iceberg "
        + "PARTITIONED BY (run, " + what + ", step) TBLPROPERTIES ('format-version'='2', "
        + "'commit.retry.num-retries'='" + retries + "', 'commit.retry.min-wait-ms'='50', "
        + "'commit.retry.max-wait-ms'='2000', 'write.distribution-mode'='hash')";
    try {
      spark.sql(sql);
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("already exists")) {
        throw new JobException("cannot create Iceberg table " + name(table) + ": " + firstLine(e), e);
      }
    }
  }

  /**
   * Replaces the rows of the (run, step, dataset) partitions named by {@code replaced} with
   * {@code rows}, in one atomic commit. {@code replaced}: run -> steps -> datasets.
   */
  public void replace(String table, Dataset<Row> rows, Map<String, Map<Long, List<String>>> replaced) {
    replace(table, rows, replaced, "dataset");
  }

  /** {@link #replace} for a table partitioned by (run, {@code what}, step). */
  public void replace(String table, Dataset<Row> rows, Map<String, Map<Long, List<String>>> replaced, String what) {
    Column filter = null;
    for (Map.Entry<String, Map<Long, List<String>>> r : replaced.entrySet()) {
      for (Map.Entry<Long, List<String>> s : r.getValue().entrySet()) {
        Column c = org.apache.spark.sql.functions.col("run").equalTo(r.getKey())
            .and(org.apache.spark.sql.functions.col("step").equalTo(s.getKey()))
            .and(org.apache.spark.sql.functions.col(what).isin(s.getValue().toArray()));
        filter = filter == null ? c : filter.or(c);
      }
    }
    if (filter == null) {
      return;
    }
    try {
      rows.writeTo(name(table)).overwrite(filter);
    } catch (RuntimeException | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new JobException("cannot commit to Iceberg table " + name(table) + ": " + firstLine(e), e);
    }
  }

  /**
   * Registers {@code eval_docs}, {@code eval_summary}... of the warehouse's embedded catalog as
   * temporary views by their short names, for {@code bin/sparklm sql}. Does nothing when the
   * warehouse has no evaluation catalog. Returns view name -> full table name.
   */
  public static Map<String, String> registerViews(SparkSession spark, String warehouse, EvalConfig cfg) {
    Map<String, String> out = new LinkedHashMap<>();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    if (cfg.catalogProperties().isEmpty()) {
      Path root = new Path(HadoopPaths.qualify(warehouse, conf), ICEBERG_DIR);
      if (!"file".equals(root.toUri().getScheme()) || !new File(new File(root.toUri()), SQLITE_FILE).isFile()) {
        return out;
      }
    }
    EvalTables t = open(spark, warehouse, cfg);
    for (String table : ALL) {
      if (spark.catalog().tableExists(t.name(table))) { // eval_tokens and eval_tasks are optional
        // a SQL view is resolved again at every query: it always shows the current snapshot
        spark.sql("CREATE OR REPLACE TEMPORARY VIEW " + table + " AS SELECT * FROM " + t.name(table));
        out.put(table, t.name(table));
      }
    }
    return out;
  }

  static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
  }
}
