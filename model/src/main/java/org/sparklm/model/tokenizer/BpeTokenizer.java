package org.sparklm.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Encodes text to token ids and back with a byte-level BPE {@code tokenizer.json} (the format of
 * Hugging Face tokenizers; see {@link TokenizerJson}).
 *
 * <p>Hand-written because it is the fastest of the measured choices (docs/performance.md): DJL's
 * binding of the Rust library crosses JNI per call and ran at a fraction of this speed, and
 * jtokkit's custom encodings take only its own pre-tokenizer patterns and rank files, not a
 * {@code tokenizer.json}. The rules are Hugging Face's: GPT-2 pre-tokenization ({@link
 * PreTokenizer}), bytes mapped by {@link ByteLevel}, then in each pre-token the adjacent pair with
 * the lowest merge rank is merged first (leftmost on ties) until no pair has a rank. {@code
 * BpeTokenizerTest} and the {@code tokenizer-check} command prove the ids equal to the Rust
 * library's.
 *
 * <p>Special tokens are never produced from text: {@code "<|endoftext|>"} inside a document is
 * encoded as the characters it is made of. Callers append {@link #eotId()} themselves.
 *
 * <p>Immutable and thread-safe; each thread gets its own scratch space and pre-token cache.
 */
public final class BpeTokenizer {
  /** Pre-tokens up to this many chars are cached per thread; longer ones are rare and costly to key. */
  private static final int CACHE_MAX_CHARS = 32;
  private static final int CACHE_SLOTS = 1 << 15;
  /** Pre-tokens of more bytes than this are merged with a heap instead of the quadratic scan. */
  private static final int HEAP_THRESHOLD = 96;

  private final int[] byteToId = new int[256];
  private final LongIntMap ranks;
  private final int[] mergedId;
  private final byte[][] idBytes;
  private final Map<String, Integer> specialTokens;
  private final int vocabSize;
  private final int eotId;
  private final String sha256;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  BpeTokenizer(int[] byteToId, int[][] merges, int[] mergedId, byte[][] idBytes, Map<String, Integer> specialTokens,
               String eotToken, String sha256) {
    System.arraycopy(byteToId, 0, this.byteToId, 0, 256);
    this.ranks = new LongIntMap(merges.length);
    for (int r = 0; r < merges.length; r++) {
      long key = LongIntMap.pair(merges[r][0], merges[r][1]);
      if (ranks.get(key, -1) < 0) { // a duplicate merge line never applies in the Rust library either
        ranks.put(key, r);
      }
    }
    this.mergedId = mergedId.clone();
    this.idBytes = idBytes;
    this.specialTokens = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(specialTokens));
    this.vocabSize = idBytes.length;
    Integer eot = specialTokens.get(eotToken);
    if (eot == null) {
      throw new IllegalArgumentException("the tokenizer has no special token " + eotToken + " (it has " + specialTokens.keySet() + ")");
    }
    this.eotId = eot;
    this.sha256 = sha256;
  }

  /** Reads a {@code tokenizer.json} (bytes), with {@code <|endoftext|>} as the end-of-text token. */
  public static BpeTokenizer fromJson(byte[] json) {
    return TokenizerJson.read(json);
  }

  /** Reads a {@code tokenizer.json} file or the {@code tokenizer.json} inside a folder. */
  public static BpeTokenizer load(java.nio.file.Path path) throws java.io.IOException {
    java.nio.file.Path p = java.nio.file.Files.isDirectory(path) ? path.resolve(TokenizerJson.FILE_NAME) : path;
    return fromJson(java.nio.file.Files.readAllBytes(p));
  }

  /** Ids in the vocabulary (bytes, merges and special tokens). */
  public int vocabSize() {
    return vocabSize;
  }

  /** {@link #vocabSize()} rounded up to a multiple of 64: the embedding size the model uses. */
  public int paddedVocabSize() {
    return padTo64(vocabSize);
  }

  public static int padTo64(int n) {
    return (n + 63) / 64 * 64;
  }

  /** The id of {@code <|endoftext|>}. */
  public int eotId() {
    return eotId;
  }

  public Map<String, Integer> specialTokens() {
    return specialTokens;
  }

  /** Number of merges. */
  public int merges() {
    return mergedId.length;
  }

  /** SHA-256 (hex) of the {@code tokenizer.json} bytes this was read from. */
  public String sha256() {
    return sha256;
  }

  /** The ids of {@code text}; no special token is added or recognised. */
  public int[] encode(String text) {
    IntArray out = new IntArray(Math.max(16, text.length() / 3));
    encode(text, out);
    return out.toArray();
  }

  /** Appends the ids of {@code text} to {@code out}. */
  public void encode(String text, IntArray out) {
    Scratch s = scratch.get();
    int n = text.length();
    int p = 0;
    while (p < n) {
      int e = PreTokenizer.end(text, p, n);
      encodePiece(text, p, e, s, out);
      p = e;
    }
  }

  /** How many ids {@code text} encodes to. */
  public int count(String text) {
    Scratch s = scratch.get();
    IntArray out = s.countBuffer;
    int total = 0;
    int n = text.length();
    int p = 0;
    while (p < n) {
      int e = PreTokenizer.end(text, p, n);
      out.clear();
      encodePiece(text, p, e, s, out);
      total += out.size();
      p = e;
    }
    return total;
  }

  /** The text of {@code ids}; byte sequences cut mid-character become U+FFFD, as in the Rust decoder. */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  public String decode(int[] ids, int from, int to) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.max(16, (to - from) * 4));
    for (int i = from; i < to; i++) {
      int id = ids[i];
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException("token id " + id + " at position " + (i - from)
            + " is not in the vocabulary (0.." + (vocabSize - 1) + ")");
      }
      byte[] b = idBytes[id];
      buf.write(b, 0, b.length);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  /** The bytes token {@code id} stands for (a special token: its text). */
  public byte[] tokenBytes(int id) {
    return idBytes[id].clone();
  }

  private void encodePiece(String text, int a, int b, Scratch s, IntArray out) {
    int len = b - a;
    int slot = 0;
    if (len <= CACHE_MAX_CHARS) {
      int h = 0;
      for (int i = a; i < b; i++) {
        h = 31 * h + text.charAt(i);
      }
      slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
      String k = s.keys[slot];
      if (k != null && k.length() == len && text.regionMatches(a, k, 0, len)) {
        int[] v = s.vals[slot];
        out.addAll(v, 0, v.length);
        return;
      }
    }
    // UTF-8 bytes of the piece, mapped to their byte tokens
    int m = 0;
    boolean ascii = true;
    for (int i = a; i < b; i++) {
      if (text.charAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    int[] w;
    if (ascii) {
      w = s.work(len);
      for (int i = a; i < b; i++) {
        w[m++] = byteToId[text.charAt(i)];
      }
    } else {
      byte[] bytes = utf8(text, a, b);
      w = s.work(bytes.length);
      for (byte x : bytes) {
        w[m++] = byteToId[x & 0xFF];
      }
    }
    if (m > 1) {
      m = m <= HEAP_THRESHOLD ? mergeSmall(w, m, s) : mergeLarge(w, m);
    }
    if (len <= CACHE_MAX_CHARS) {
      s.keys[slot] = text.substring(a, b);
      s.vals[slot] = Arrays.copyOf(w, m);
    }
    out.addAll(w, 0, m);
  }

  /**
   * UTF-8 of {@code text[a, b)}; a lone surrogate (not Unicode, but a Java string can hold one)
   * becomes U+FFFD, as Rust's lossy conversion makes it, rather than the JDK's '?'.
   */
  static byte[] utf8(String text, int a, int b) {
    String s = text.substring(a, b);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (!paired) {
          StringBuilder sb = new StringBuilder(s.length());
          for (int k = 0; k < s.length(); k++) {
            char d = s.charAt(k);
            if (Character.isHighSurrogate(d) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
              sb.append(d).append(s.charAt(++k));
            } else {
              sb.append(Character.isSurrogate(d) ? '\uFFFD' : d);
            }
          }
          return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        i++;
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int rank(int x, int y) {
    return ranks.get(LongIntMap.pair(x, y), Integer.MAX_VALUE);
  }

  /** Lowest rank first, leftmost on ties; ranks of the pairs kept in an array so each is looked up once. */
  private int mergeSmall(int[] w, int m, Scratch s) {
    int[] r = s.ranks(m);
    for (int i = 0; i < m - 1; i++) {
      r[i] = rank(w[i], w[i + 1]);
    }
    while (m > 1) {
      int best = Integer.MAX_VALUE;
      int bi = -1;
      for (int i = 0; i < m - 1; i++) {
        if (r[i] < best) {
          best = r[i];
          bi = i;
        }
      }
      if (bi < 0) {
        break;
      }
      w[bi] = mergedId[best];
      System.arraycopy(w, bi + 2, w, bi + 1, m - bi - 2);
      System.arraycopy(r, bi + 1, r, bi, m - bi - 2);
      m--;
      if (bi > 0) {
        r[bi - 1] = rank(w[bi - 1], w[bi]);
      }
      if (bi < m - 1) {
        r[bi] = rank(w[bi], w[bi + 1]);
      }
    }
    return m;
  }

  /**
   * The same order of merges for long pieces (a 10 MB run of letters is one pre-token): a linked
   * list of symbols and a heap of (rank, position), stale entries skipped when popped.
   */
  private int mergeLarge(int[] w, int m) {
    int[] next = new int[m];
    int[] prev = new int[m];
    boolean[] dead = new boolean[m];
    for (int i = 0; i < m; i++) {
      next[i] = i + 1 < m ? i + 1 : -1;
      prev[i] = i - 1;
    }
    LongHeap heap = new LongHeap(m);
    for (int i = 0; i < m - 1; i++) {
      int rk = rank(w[i], w[i + 1]);
      if (rk != Integer.MAX_VALUE) {
        heap.push(((long) rk << 32) | i);
      }
    }
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int rk = (int) (top >>> 32);
      int i = (int) top;
      if (dead[i] || next[i] < 0) {
        continue;
      }
      int j = next[i];
      if (rank(w[i], w[j]) != rk) {
        continue; // the pair at i changed since this entry was pushed
      }
      w[i] = mergedId[rk];
      dead[j] = true;
      next[i] = next[j];
      if (next[j] >= 0) {
        prev[next[j]] = i;
      }
      if (prev[i] >= 0) {
        int pr = rank(w[prev[i]], w[i]);
        if (pr != Integer.MAX_VALUE) {
          heap.push(((long) pr << 32) | prev[i]);
        }
      }
      if (next[i] >= 0) {
        int nr = rank(w[i], w[next[i]]);
        if (nr != Integer.MAX_VALUE) {
          heap.push(((long) nr << 32) | i);
        }
      }
    }
    int k = 0;
    for (int i = 0; i >= 0; i = next[i]) {
      w[k++] = w[i];
    }
    return k;
  }

  /** Per-thread buffers and the pre-token cache. */
  private static final class Scratch {
    final String[] keys = new String[CACHE_SLOTS];
    final int[][] vals = new int[CACHE_SLOTS][];
    final IntArray countBuffer = new IntArray(64);
    private int[] work = new int[256];
    private int[] ranks = new int[256];

    int[] work(int n) {
      if (work.length < n) {
        work = new int[Math.max(n, work.length * 2)];
      }
      return work;
    }

    int[] ranks(int n) {
      if (ranks.length < n) {
        ranks = new int[Math.max(n, ranks.length * 2)];
      }
      return ranks;
    }
  }

  /** A binary min-heap of longs. */
  private static final class LongHeap {
    private long[] h;
    private int n;

    LongHeap(int cap) {
      h = new long[Math.max(4, cap)];
    }

    boolean isEmpty() {
      return n == 0;
    }

    void push(long v) {
      if (n == h.length) {
        h = Arrays.copyOf(h, n * 2);
      }
      int i = n++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (h[p] <= v) {
          break;
        }
        h[i] = h[p];
        i = p;
      }
      h[i] = v;
    }

    long pop() {
      long top = h[0];
      long v = h[--n];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= n) {
          break;
        }
        if (c + 1 < n && h[c + 1] < h[c]) {
          c++;
        }
        if (h[c] >= v) {
          break;
        }
        h[i] = h[c];
        i = c;
      }
      h[i] = v;
      return top;
    }
  }

  /** Every id the vocabulary has, with its bytes: for tables of the vocabulary. */
  public List<byte[]> vocabulary() {
    return java.util.Arrays.stream(idBytes).map(byte[]::clone).toList();
  }
}
