package org.sparklm.model.tokenizer;

import java.util.Arrays;

/**
 * A long to int hash map with open addressing, for merge ranks keyed by a pair of token ids: the
 * encoder looks one up per adjacent pair, and boxed {@code HashMap<Long, Integer>} lookups were the
 * largest cost in a profile. Keys must be {@code >= 0}. Not thread-safe for writes; read-only
 * after construction in the encoder.
 */
final class LongIntMap {
  private static final long EMPTY = -1L;
  private long[] keys;
  private int[] vals;
  private int mask;
  private int size;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[cap];
    vals = new int[cap];
    Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** The value of {@code key}, or {@code missing}. */
  int get(long key, int missing) {
    int i = slot(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return vals[i];
      }
      if (k == EMPTY) {
        return missing;
      }
      i = (i + 1) & mask;
    }
  }

  void put(long key, int value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = slot(key, mask);
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      size++;
    }
    keys[i] = key;
    vals[i] = value;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] ok = keys;
    int[] ov = vals;
    keys = new long[ok.length * 2];
    vals = new int[ok.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != EMPTY) {
        put(ok[i], ov[i]);
      }
    }
  }
}
