package org.sparklm.udfs.quality;

/**
 * An open-addressing table from 64-bit n-gram hashes to a count and the first position seen: the
 * repetition rules hash every n-gram of every document (9 passes over the words), and a
 * {@code HashMap<Long, int[]>} boxed each key and allocated a value per distinct n-gram.
 */
final class LongTable {
  private static final long EMPTY = 0; // a real hash of 0 is stored as 1 (see slotOf): one n-gram in 2^64 shares a slot
  private long[] keys;
  private int[] counts;
  private int[] firsts;
  private int size;
  private int mask;

  LongTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    counts = new int[cap];
    firsts = new int[cap];
    mask = cap - 1;
  }

  /** Counts one occurrence of {@code hash} at {@code position}; returns the count after it (1: first time seen). */
  int add(long hash, int position) {
    long k = hash == EMPTY ? 1 : hash;
    int i = slotOf(k);
    if (keys[i] == EMPTY) {
      keys[i] = k;
      firsts[i] = position;
      counts[i] = 1;
      if (++size * 2 > keys.length) {
        grow();
      }
      return 1;
    }
    return ++counts[i];
  }

  /**
   * The most frequent key's count and first position, as {@code count << 32 | position}; the earliest
   * such key on ties (Python's {@code Counter.most_common}); 0 when empty.
   */
  long mostFrequent() {
    int bestCount = 0;
    int bestFirst = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY && (counts[i] > bestCount || counts[i] == bestCount && firsts[i] < bestFirst)) {
        bestCount = counts[i];
        bestFirst = firsts[i];
      }
    }
    return (long) bestCount << 32 | bestFirst;
  }

  private int slotOf(long k) {
    int i = (int) (k ^ (k >>> 32)) & mask;
    while (keys[i] != EMPTY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    int[] oldFirsts = firsts;
    keys = new long[oldKeys.length * 2];
    counts = new int[keys.length];
    firsts = new int[keys.length];
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != EMPTY) {
        int i = slotOf(oldKeys[j]);
        keys[i] = oldKeys[j];
        counts[i] = oldCounts[j];
        firsts[i] = oldFirsts[j];
      }
    }
  }
}
