package org.sparklm.model.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids without boxing. */
public final class IntArray {
  private int[] a;
  private int n;

  public IntArray() {
    this(16);
  }

  public IntArray(int capacity) {
    a = new int[Math.max(1, capacity)];
  }

  public void add(int v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[n++] = v;
  }

  public void addAll(int[] v, int from, int to) {
    int len = to - from;
    if (n + len > a.length) {
      a = Arrays.copyOf(a, Math.max(a.length * 2, n + len));
    }
    System.arraycopy(v, from, a, n, len);
    n += len;
  }

  public int get(int i) {
    return a[i];
  }

  public int size() {
    return n;
  }

  public void clear() {
    n = 0;
  }

  public int[] toArray() {
    return Arrays.copyOf(a, n);
  }
}
