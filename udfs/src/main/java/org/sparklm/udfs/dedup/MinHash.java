package org.sparklm.udfs.dedup;

import java.io.Serializable;
import java.util.Arrays;

/**
 * MinHash signatures of word n-gram shingles, and the LSH band keys made from them.
 *
 * <p>Written here rather than taken from a library: the MinHash in Spark MLlib hashes a sparse
 * term vector built by a separate tokenizer, n-gram and hashing pass (slow, and its hash depends
 * on the vector size), and the small Java MinHash libraries use {@code String.hashCode}-quality
 * 32-bit hashes or unseeded {@code Random}s. Here every hash is a seeded 64-bit function of the
 * text alone, so a document's signature never depends on the JVM, the partitioning or the order
 * of the documents, and the whole signature is computed in one pass over the characters.
 *
 * <p>The steps, as FineWeb/datatrove do them: the text is {@linkplain TextKey#normalize
 * normalized}; words are the maximal runs of letters and digits (punctuation dropped); each word
 * gets a 64-bit hash, each run of {@code shingleSize} consecutive words a 64-bit shingle hash
 * (a text with fewer words is one shingle); hash function {@code k} maps a shingle hash {@code s}
 * to {@code mix(s * A[k] + B[k])} with odd multipliers {@code A} and offsets {@code B} drawn
 * from the seed; the signature is the minimum of each function over the shingles. Band {@code b}
 * is the {@code rows} values starting at {@code b * rows}, hashed into one 64-bit key.
 *
 * <p>Immutable and serializable, so one instance is shipped to every executor.
 */
public final class MinHash implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The value of every position of the signature of a text without a single word. */
  public static final long EMPTY = Long.MAX_VALUE;

  private final int shingleSize;
  private final int bands;
  private final int rows;
  private final long seed;
  private final long[] mul;
  private final long[] add;

  private MinHash(Builder b) {
    if (b.shingleSize < 1) {
      throw new IllegalArgumentException("shingle size must be >= 1, got " + b.shingleSize);
    }
    if (b.bands < 1 || b.rows < 1 || (long) b.bands * b.rows > 4096) {
      throw new IllegalArgumentException("bands and rows must be >= 1 with bands * rows <= 4096, got "
          + b.bands + " x " + b.rows);
    }
    this.shingleSize = b.shingleSize;
    this.bands = b.bands;
    this.rows = b.rows;
    this.seed = b.seed;
    int n = bands * rows;
    this.mul = new long[n];
    this.add = new long[n];
    long state = seed;
    for (int k = 0; k < n; k++) {
      state += GOLDEN;
      mul[k] = mix(state) | 1L; // odd: a bijection of the 64-bit values
      state += GOLDEN;
      add[k] = mix(state);
    }
  }

  /** FineWeb's setting: 5-word shingles, 14 bands of 8 rows (112 hashes), seed 1. */
  public static MinHash fineWeb() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting is optional; the defaults are FineWeb's. */
  public static final class Builder {
    private int shingleSize = 5;
    private int bands = 14;
    private int rows = 8;
    private long seed = 1L;

    private Builder() {}

    public Builder optShingleSize(int words) {
      this.shingleSize = words;
      return this;
    }

    public Builder optBands(int bands) {
      this.bands = bands;
      return this;
    }

    public Builder optRows(int rows) {
      this.rows = rows;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public MinHash build() {
      return new MinHash(this);
    }
  }

  public int shingleSize() {
    return shingleSize;
  }

  public int bands() {
    return bands;
  }

  public int rows() {
    return rows;
  }

  public long seed() {
    return seed;
  }

  /** Number of hash functions: {@code bands * rows}. */
  public int numHashes() {
    return mul.length;
  }

  /** The signature of {@code text} (normalized here); null for null. */
  public long[] signature(String text) {
    return text == null ? null : signatureOfNormalized(TextKey.normalize(text));
  }

  /** The signature of a text already passed through {@link TextKey#normalize}. */
  public long[] signatureOfNormalized(String normalized) {
    long[] sig = new long[mul.length];
    Arrays.fill(sig, EMPTY);
    long[] shingles = shingleHashes(normalized);
    for (long s : shingles) {
      update(sig, s);
    }
    return sig;
  }

  private void update(long[] sig, long s) {
    final long[] m = mul;
    final long[] a = add;
    for (int k = 0; k < sig.length; k++) {
      long x = s * m[k] + a[k];
      x ^= x >>> 31; // the low bits of a product are weak; fold the high ones in
      sig[k] = Math.min(sig[k], x);
    }
  }

  /** One 64-bit hash per shingle of the normalized text, in text order (repeats kept). */
  public long[] shingleHashes(String normalized) {
    long[] words = wordHashes(normalized);
    int nw = words.length;
    if (nw == 0) {
      return new long[0];
    }
    int n = Math.min(shingleSize, nw);
    long[] out = new long[nw - n + 1];
    for (int i = 0; i < out.length; i++) {
      long h = seed ^ n;
      for (int j = 0; j < n; j++) {
        h = mix(h * PRIME + words[i + j]);
      }
      out[i] = h;
    }
    return out;
  }

  /** The set of shingle hashes of {@code text} (normalized here), sorted; null for null. */
  public long[] distinctShingles(String text) {
    return text == null ? null : distinctSorted(shingleHashes(TextKey.normalize(text)));
  }

  /** Seeded 64-bit hashes of the words (maximal runs of letters and digits) of {@code s}. */
  long[] wordHashes(String s) {
    long[] out = new long[Math.max(16, s.length() / 5)];
    int n = 0;
    long h = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean word = c < 128 ? ASCII_WORD[c] : Character.isLetterOrDigit(c)
          || Character.isSurrogate(c) || Character.getType(c) == Character.NON_SPACING_MARK;
      if (word) {
        if (!in) {
          h = seed ^ FNV_OFFSET;
          in = true;
        }
        h = (h ^ c) * FNV_PRIME; // FNV-1a over UTF-16 units, finished by mix() below
      } else if (in) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = mix(h);
        in = false;
      }
    }
    if (in) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n + 1);
      }
      out[n++] = mix(h);
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Band {@code b}'s key: its {@code rows} signature values hashed into 64 bits. */
  public long bandKey(long[] signature, int b) {
    long h = seed ^ (b + 1L) * GOLDEN;
    for (int j = b * rows, end = j + rows; j < end; j++) {
      h = mix(h * PRIME + signature[j]);
    }
    return h;
  }

  /** Every band's key, in band order. */
  public long[] bandKeys(long[] signature) {
    long[] keys = new long[bands];
    for (int b = 0; b < bands; b++) {
      keys[b] = bandKey(signature, b);
    }
    return keys;
  }

  /** Whether the text had no word: its signature holds only {@link #EMPTY}. */
  public static boolean isEmpty(long[] signature) {
    for (long v : signature) {
      if (v != EMPTY) {
        return false;
      }
    }
    return true;
  }

  /** The MinHash estimate of the Jaccard similarity: the fraction of equal positions. */
  public static double estimatedJaccard(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("signatures of different lengths: " + a.length + " and " + b.length);
    }
    int same = 0;
    for (int k = 0; k < a.length; k++) {
      if (a[k] == b[k]) {
        same++;
      }
    }
    return a.length == 0 ? 0.0 : (double) same / a.length;
  }

  /** Exact Jaccard similarity of two sets of shingle hashes (each may hold repeats). */
  public static double jaccard(long[] a, long[] b) {
    long[] x = distinctSorted(a);
    long[] y = distinctSorted(b);
    if (x.length == 0 && y.length == 0) {
      return 1.0;
    }
    int i = 0;
    int j = 0;
    int both = 0;
    while (i < x.length && j < y.length) {
      if (x[i] == y[j]) {
        both++;
        i++;
        j++;
      } else if (x[i] < y[j]) {
        i++;
      } else {
        j++;
      }
    }
    return (double) both / (x.length + y.length - both);
  }

  static long[] distinctSorted(long[] a) {
    long[] s = a.clone();
    Arrays.sort(s);
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i == 0 || s[i] != s[i - 1]) {
        s[n++] = s[i];
      }
    }
    return Arrays.copyOf(s, n);
  }

  /** The finalizer of MurmurHash3 / SplitMix64: a bijection with full avalanche. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static final long GOLDEN = 0x9e3779b97f4a7c15L;
  private static final long PRIME = 0x100000001b3L * 31 + 1;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final boolean[] ASCII_WORD = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      ASCII_WORD[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII_WORD[c] = true;
      ASCII_WORD[Character.toUpperCase(c)] = true;
    }
  }
}
