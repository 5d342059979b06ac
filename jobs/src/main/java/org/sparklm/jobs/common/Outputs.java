package org.sparklm.jobs.common;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a job's tables so that a rerun replaces its output atomically: every table is written
 * under a hidden staging folder next to the output first, and only when all of them are complete
 * is each moved into place (the old folder renamed away, the new renamed in, the old deleted). A
 * job that fails half-way leaves the previous output as it was.
 */
public final class Outputs implements AutoCloseable {
  private final SparkSession spark;
  private final Path outDir;
  private final Path staging;
  private final FileSystem fs;
  private final Map<String, Path> staged = new LinkedHashMap<>();
  private boolean committed;

  public Outputs(SparkSession spark, String outputDir) {
    this.spark = spark;
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    this.outDir = HadoopPaths.qualify(outputDir, conf);
    try {
      this.fs = outDir.getFileSystem(conf);
    } catch (IOException e) {
      throw new JobException("cannot open output '" + outputDir + "': " + e.getMessage(), e);
    }
    this.staging = new Path(outDir, "_staging-" + UUID.randomUUID());
  }

  /** The final location of {@code table} (after {@link #commit}). */
  public Path tablePath(String table) {
    return new Path(outDir, table);
  }

  /** Writes {@code data} as Parquet into the staging folder of {@code table}. */
  public void write(String table, Dataset<Row> data) {
    Path p = new Path(staging, table);
    data.write().mode(SaveMode.ErrorIfExists).parquet(p.toString());
    staged.put(table, p);
  }

  /** A staging path for a non-table file (e.g. {@code manifest.json}) moved into place on commit. */
  public Path stageFile(String name) {
    Path p = new Path(staging, name);
    staged.put(name, p);
    return p;
  }

  /** Moves every staged table into place, replacing what was there. */
  public void commit() {
    try {
      fs.mkdirs(outDir);
      for (Map.Entry<String, Path> e : staged.entrySet()) {
        Path target = new Path(outDir, e.getKey());
        Path old = new Path(outDir, "_old-" + e.getKey() + "-" + UUID.randomUUID());
        boolean hadOld = fs.exists(target);
        if (hadOld && !fs.rename(target, old)) {
          throw new IOException("cannot move the previous " + target + " aside");
        }
        if (!fs.rename(e.getValue(), target)) {
          if (hadOld) {
            fs.rename(old, target);
          }
          throw new IOException("cannot move " + e.getValue() + " to " + target);
        }
        if (hadOld) {
          fs.delete(old, true);
        }
      }
      fs.delete(staging, true);
      committed = true;
    } catch (IOException e) {
      throw new JobException("cannot replace the output in '" + outDir + "': " + e.getMessage(), e);
    }
  }

  /** Removes the staging folder of an uncommitted run. */
  @Override
  public void close() {
    if (!committed) {
      try {
        fs.delete(staging, true);
      } catch (IOException e) {
        // best effort: a leftover _staging-* folder is hidden from readers
      }
    }
  }

  public SparkSession spark() {
    return spark;
  }
}
