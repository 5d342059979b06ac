package org.sparklm.model.optim;

import ai.djl.ndarray.index.NDIndex;

/**
 * Contiguous slices of a flat buffer for splitting elementwise work over threads: slice {@code i}
 * of {@code n} over {@code size} values, with inner bounds on multiples of 16 floats (64 bytes, a
 * cache line) so that no two threads write one line.
 */
public final class Slices {
  private static final long ALIGN = 16;

  private Slices() {}

  /** How many slices {@code size} values are cut into when {@code wanted} are asked for (at least 1). */
  public static int count(long size, int wanted) {
    return (int) Math.max(1, Math.min(wanted, size / ALIGN));
  }

  /** The first value of slice {@code i} of {@code n}. */
  public static long from(long size, int n, int i) {
    return i == 0 ? 0 : i >= n ? size : size * i / n / ALIGN * ALIGN;
  }

  /** Slice {@code i} of {@code n} as an index {@code from:to}. */
  public static NDIndex index(long size, int n, int i) {
    return new NDIndex(from(size, n, i) + ":" + from(size, n, i + 1));
  }
}
