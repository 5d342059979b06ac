package org.sparklm.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.common.JobException;

/**
 * Connected components of an undirected graph given as an edge table, computed on Spark with the
 * alternating large-star / small-star algorithm of Kiveris et al., "Connected Components in
 * MapReduce and Beyond" (SoCC 2014): O(log^2 n) rounds, each a few shuffles, no state on the
 * driver, and a result (every node labelled with the smallest node of its component) that depends
 * on the graph alone, never on the partitioning.
 *
 * <p>Hand-written because Spark ships no connected components for DataFrames (GraphX has a
 * Pregel one whose rounds grow with the graph's diameter and which needs RDD lineage checkpoints;
 * GraphFrames is not published for Spark 4.0). Each round's edges are written to Parquet under a
 * work folder and read back, which cuts the lineage (a failed task re-reads the last round
 * instead of recomputing every round before it) and keeps the plans small.
 */
public final class ConnectedComponents {
  private ConnectedComponents() {}

  /** The labelling and how many rounds it took (0 when the edges already formed stars). */
  public record Result(Dataset<Row> labels, int rounds) {}

  /**
   * Labels every node that has an edge with the smallest node of its component.
   *
   * @param edges columns {@code src}, {@code dst} of one orderable type (self-loops and repeats allowed)
   * @param workDir folder for the round checkpoints (any Hadoop path; the caller deletes it)
   * @return {@code node}, {@code label}: one row per node of {@code edges}, the label
   *     is the component's smallest node (a root is labelled with itself)
   */
  public static Result run(SparkSession spark, Dataset<Row> edges, String workDir, int maxRounds) {
    // Oriented edges (big -> small), the form both stars work on.
    Dataset<Row> e = orient(edges.select(col("src"), col("dst")));
    e = checkpoint(spark, e, workDir, 0);
    // Candidate pairs are star edges (each document to its bucket's smallest), so the graph is
    // often a star forest already: then it is its own labelling and no round is needed.
    if (isStarForest(e)) {
      return new Result(labels(e), 0);
    }
    for (int round = 1; round <= maxRounds; round++) {
      Dataset<Row> next = checkpoint(spark, smallStar(largeStar(e)), workDir, round);
      delete(spark, workDir + "/round-" + (round - 1));
      e = next;
      if (isStarForest(e)) {
        return new Result(labels(e), round);
      }
    }
    throw new JobException("connected components did not converge in " + maxRounds
        + " rounds (setting dedup.max_iterations)");
  }

  /** The labelling a star forest stands for: every leaf labelled with its root, every root with itself. */
  private static Dataset<Row> labels(Dataset<Row> starForest) {
    Dataset<Row> roots = starForest.select(col("dst").as("node"), col("dst").as("label")).distinct();
    return starForest.select(col("src").as("node"), col("dst").as("label")).union(roots);
  }

  /** (u, v) with u > v, self-loops and repeats dropped. */
  static Dataset<Row> orient(Dataset<Row> edges) {
    return edges.where(col("src").notEqual(col("dst")))
        .select(greatest(col("src"), col("dst")).as("src"), least(col("src"), col("dst")).as("dst"))
        .distinct();
  }

  /**
   * Large star: every node u links each larger neighbour v to m(u), the smallest of u and its
   * neighbours. Input and output oriented (src > dst).
   */
  static Dataset<Row> largeStar(Dataset<Row> e) {
    Dataset<Row> both = e.select(col("src").as("u"), col("dst").as("v"))
        .union(e.select(col("dst").as("u"), col("src").as("v")));
    Dataset<Row> m = both.groupBy("u").agg(min("v").as("mv"))
        .select(col("u").as("mu_node"), least(col("u"), col("mv")).as("m"));
    Dataset<Row> linked = both.where(col("v").gt(col("u")))
        .join(m, col("u").equalTo(col("mu_node")))
        .select(col("v").as("src"), col("m").as("dst"));
    return orient(linked);
  }

  /**
   * Small star: every node u links itself and each smaller neighbour to m(u), the smallest of
   * them. Input and output oriented (src > dst).
   */
  static Dataset<Row> smallStar(Dataset<Row> e) {
    Dataset<Row> m = e.groupBy("src").agg(min("dst").as("m"));
    Dataset<Row> smaller = e.join(m.withColumnRenamed("src", "u"), col("src").equalTo(col("u")))
        .select(col("dst").as("src"), col("m").as("dst"));
    Dataset<Row> self = m.select(col("src"), col("m").as("dst"));
    return orient(smaller.union(self));
  }

  /** True when every node has at most one edge, to a root that has no edge of its own. */
  static boolean isStarForest(Dataset<Row> e) {
    boolean twoParents = !e.groupBy("src").agg(count("*").as("n")).where(col("n").gt(1)).isEmpty();
    if (twoParents) {
      return false;
    }
    Dataset<Row> parents = e.select(col("dst").as("p")).distinct();
    return e.join(parents, col("src").equalTo(col("p")), "left_semi").isEmpty();
  }

  private static Dataset<Row> checkpoint(SparkSession spark, Dataset<Row> e, String workDir, int round) {
    String p = workDir + "/round-" + round;
    e.write().mode(SaveMode.Overwrite).parquet(p);
    return spark.read().parquet(p);
  }

  private static void delete(SparkSession spark, String p) {
    try {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(path, true);
    } catch (IOException e) {
      // best effort: the caller deletes the whole work folder at the end
    }
  }
}
