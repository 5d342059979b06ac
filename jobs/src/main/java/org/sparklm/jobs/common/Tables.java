package org.sparklm.jobs.common;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Finds the Parquet tables under a warehouse folder and registers them as SQL views by name.
 *
 * <p>A table is a folder holding Parquet files (what every sparklm job writes). Each is
 * registered under its path below the warehouse with '/' replaced by '_' (e.g.
 * {@code demo/ingest/documents} as {@code demo_ingest_documents}) and also under its own folder
 * name ({@code documents}) when no other table has that name.
 *
 * <p>Iceberg tables are not Parquet folders (their data files include replaced ones): they are
 * skipped by the folder walk, and the evaluation tables of the warehouse's Iceberg catalog are
 * registered by their names ({@code eval_summary}...) through the catalog instead.
 */
public final class Tables {
  private Tables() {}

  /** How deep below the warehouse to look for tables. */
  static final int MAX_DEPTH = 4;

  /** View name to table folder, for every table under {@code warehouse}; empty if it does not exist. */
  public static Map<String, String> discover(String warehouse, Configuration conf) {
    Map<String, String> qualified = new TreeMap<>();
    Path root = HadoopPaths.qualify(warehouse, conf);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return qualified;
      }
      List<Path> tables = new ArrayList<>();
      walk(fs, root, 0, tables);
      String rootStr = root.toString();
      for (Path t : tables) {
        String rel = t.toString().substring(rootStr.length()).replaceAll("^/+", "");
        String name = rel.isEmpty() ? t.getName() : rel;
        qualified.put(sqlName(name), t.toString());
      }
    } catch (IOException e) {
      throw new JobException("cannot list warehouse '" + warehouse + "': " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>(qualified);
    Map<String, Integer> shortCount = new HashMap<>();
    Map<String, String> shortPath = new HashMap<>();
    for (Map.Entry<String, String> e : qualified.entrySet()) {
      String s = sqlName(new Path(e.getValue()).getName());
      shortCount.merge(s, 1, Integer::sum);
      shortPath.put(s, e.getValue());
    }
    shortCount.forEach((s, n) -> {
      if (n == 1) {
        out.putIfAbsent(s, shortPath.get(s));
      }
    });
    return out;
  }

  /** Registers every table as a temporary view; returns name to path. */
  public static Map<String, String> register(SparkSession spark, String warehouse, Map<String, String> extra) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> all = new TreeMap<>(discover(warehouse, conf));
    all.putAll(extra);
    for (Map.Entry<String, String> e : all.entrySet()) {
      try {
        spark.read().parquet(e.getValue()).createOrReplaceTempView(e.getKey());
      } catch (RuntimeException ex) {
        throw new JobException("table '" + e.getKey() + "' at " + e.getValue() + " cannot be read: "
            + ex.getMessage().lines().findFirst().orElse(""), ex);
      }
    }
    all.putAll(org.sparklm.jobs.evaluate.EvalTables.registerViews(spark, warehouse,
        org.sparklm.jobs.config.EvalConfig.DEFAULTS));
    return all;
  }

  private static void walk(FileSystem fs, Path dir, int depth, List<Path> out) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    boolean isTable = false;
    for (FileStatus c : children) {
      String n = c.getPath().getName();
      if (c.isFile() && (n.endsWith(".parquet") || n.equals("_SUCCESS"))) {
        isTable = true;
      }
    }
    if (isTable) {
      out.add(dir);
      return;
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    for (FileStatus c : children) {
      String n = c.getPath().getName();
      if (c.isDirectory() && !n.startsWith(".") && !n.startsWith("_") && !isIcebergTable(fs, c.getPath())) {
        walk(fs, c.getPath(), depth + 1, out);
      }
    }
  }

  /** An Iceberg table folder: {@code metadata/*.metadata.json} beside {@code data/}. */
  private static boolean isIcebergTable(FileSystem fs, Path dir) throws IOException {
    Path meta = new Path(dir, "metadata");
    if (!fs.isDirectory(meta)) {
      return false;
    }
    for (FileStatus st : fs.listStatus(meta)) {
      if (st.getPath().getName().endsWith(".metadata.json")) {
        return true;
      }
    }
    return false;
  }

  static String sqlName(String rel) {
    String s = rel.replaceAll("[^A-Za-z0-9_]", "_");
    return Character.isDigit(s.charAt(0)) ? "t_" + s : s;
  }
}
