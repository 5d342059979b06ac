package org.sparklm.model.data;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014): the seeded mixing behind every shuffle of the token
 * shards. Written out rather than {@code java.util.SplittableRandom} because the writer (Spark
 * executors) and the reader (trainers, maybe on another JVM version) must agree bit for bit
 * forever, and the JDK does not promise its generators' sequences.
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The finaliser: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A seed from several values, order-sensitive. */
  public static long seed(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  public long nextLong() {
    return mix(state += 0x9E3779B97F4A7C15L);
  }

  /** A seeded permutation of 0..n-1 (Fisher-Yates). */
  public static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplitMix64 r = new SplitMix64(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = (int) Long.remainderUnsigned(r.nextLong(), i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
