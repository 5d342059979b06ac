package org.sparklm.model.dist;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.sparklm.model.train.TokenSource;

/**
 * Training data split over ranks: rank {@code r} of {@code n} opens its own disjoint slice, and
 * the slices advance in step (each rank reads the same number of rows per step), so one cursor
 * (rank 0's, stored in checkpoints) positions every rank. Serializable: the Spark driver sends
 * it to the executors, where it is opened.
 */
public interface RankedData extends Serializable {
  TokenSource open(int rank, int world, Configuration conf) throws IOException;

  /** One line for logs. */
  String describe();
}
