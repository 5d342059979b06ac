package org.sparklm.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges from pre-token counts: the merge loop of GPT-2's tokenizer
 * training, run on one machine over pre-tokens counted elsewhere (on Spark, by the
 * {@code train-tokenizer} job).
 *
 * <p>Hand-written because no well-kept JVM library trains BPE: Hugging Face's trainer is Rust
 * behind Python bindings (DJL binds only its encoder), jtokkit only encodes, and SentencePiece's
 * Java ports are for inference. Its input is a count per distinct pre-token, which is what a
 * distributed count produces, so only the merge loop runs on the driver.
 *
 * <p>The loop never recounts all pairs: each pair keeps its count and the words it occurs in;
 * merging a pair touches only those words, adjusts the counts of the pairs around each
 * occurrence, and pushes the counts of the new pairs into a max-heap. Counts that fall are not
 * pushed: a heap entry is an upper bound, and one found stale when popped is pushed again with its
 * true count, so the first entry popped that is exact is the most frequent pair. Ties in count go to the smaller (left id, right id), so a run is deterministic.
 */
public final class BpeTrainer {
  private final int vocabSize;
  private final List<String> specialTokens;
  private final long minPairCount;

  private BpeTrainer(Builder b) {
    this.vocabSize = b.vocabSize;
    this.specialTokens = List.copyOf(b.specialTokens);
    this.minPairCount = b.minPairCount;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What training made. {@code mergeCounts[r]} is how often merge r's pair occurred when chosen. */
  public record Result(byte[] tokenizerJson, List<int[]> merges, long[] mergeCounts, int vocabSize, int paddedVocabSize,
                       long distinctPretokens, long pretokens) {}

  /** Trains on {@code counts}: pre-token text to its number of occurrences. */
  public Result train(Map<String, Long> counts) {
    int n = counts.size();
    int[][] syms = new int[n][];
    long[] freq = new long[n];
    long total = 0;
    int wi = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] w = new int[b.length];
      for (int i = 0; i < b.length; i++) {
        w[i] = b[i] & 0xFF;
      }
      syms[wi] = w;
      freq[wi] = e.getValue();
      total += e.getValue();
      wi++;
    }
    return train(syms, freq, total);
  }

  private static final class Pair {
    long count;
    final IntArray words = new IntArray(4);
  }

  private Result train(int[][] syms, long[] freq, long total) {
    Map<Long, Pair> pairs = new HashMap<>();
    for (int w = 0; w < syms.length; w++) {
      int[] s = syms[w];
      for (int i = 0; i + 1 < s.length; i++) {
        Pair p = pairs.computeIfAbsent(LongIntMap.pair(s[i], s[i + 1]), k -> new Pair());
        p.count += freq[w];
        p.words.add(w);
      }
    }
    // max count first, then the smaller pair key
    PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
    for (Map.Entry<Long, Pair> e : pairs.entrySet()) {
      heap.add(new long[] {e.getValue().count, e.getKey()});
    }
    int target = vocabSize - 256 - specialTokens.size();
    List<int[]> merges = new ArrayList<>();
    List<Long> mergeCounts = new ArrayList<>();
    int[] seen = new int[syms.length];
    java.util.Arrays.fill(seen, -1);
    Set<Long> changed = new HashSet<>();
    IntArray merged = new IntArray(64);
    while (merges.size() < target && !heap.isEmpty()) {
      long[] top = heap.poll();
      Pair best = pairs.get(top[1]);
      if (best == null) {
        continue;
      }
      if (best.count != top[0]) {
        // Entries are upper bounds: counts that fell were not re-pushed, so re-push the true one.
        if (best.count > 0) {
          heap.add(new long[] {best.count, top[1]});
        } else {
          pairs.remove(top[1]);
        }
        continue;
      }
      if (best.count < minPairCount) {
        break;
      }
      long key = top[1];
      int a = (int) (key >>> 32);
      int b = (int) key;
      int r = merges.size();
      int c = 256 + r;
      merges.add(new int[] {a, b});
      mergeCounts.add(best.count);
      pairs.remove(key);
      changed.clear();
      for (int k = 0; k < best.words.size(); k++) {
        int w = best.words.get(k);
        if (seen[w] == r) {
          continue;
        }
        seen[w] = r;
        int[] s = syms[w];
        if (!contains(s, a, b)) {
          continue;
        }
        long f = freq[w];
        for (int i = 0; i + 1 < s.length; i++) {
          long pk = LongIntMap.pair(s[i], s[i + 1]);
          Pair p = pairs.get(pk);
          if (p != null) {
            p.count -= f; // not re-pushed: the heap entry stays an upper bound (see the pop above)
          }
        }
        merged.clear();
        for (int i = 0; i < s.length; i++) {
          if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
            merged.add(c);
            i++;
          } else {
            merged.add(s[i]);
          }
        }
        int[] ns = merged.toArray();
        syms[w] = ns;
        for (int i = 0; i + 1 < ns.length; i++) {
          long pk = LongIntMap.pair(ns[i], ns[i + 1]);
          Pair p = pairs.computeIfAbsent(pk, x -> new Pair());
          p.count += f;
          if (ns[i] == c || ns[i + 1] == c) {
            p.words.add(w); // only pairs with the new token gain words or counts
            changed.add(pk);
          }
        }
      }
      for (long pk : changed) {
        Pair p = pairs.get(pk);
        if (p == null) {
          continue;
        }
        heap.add(new long[] {p.count, pk});
      }
    }
    byte[] json = TokenizerJson.write(merges, specialTokens);
    int size = 256 + merges.size() + specialTokens.size();
    long[] counts = mergeCounts.stream().mapToLong(Long::longValue).toArray();
    return new Result(json, merges, counts, size, BpeTokenizer.padTo64(size), syms.length, total);
  }

  private static boolean contains(int[] s, int a, int b) {
    for (int i = 0; i + 1 < s.length; i++) {
      if (s[i] == a && s[i + 1] == b) {
        return true;
      }
    }
    return false;
  }

  /** DJL-style builder: {@code set...} required, {@code opt...} optional. */
  public static final class Builder {
    private int vocabSize = -1;
    private List<String> specialTokens = List.of(TokenizerJson.END_OF_TEXT);
    private long minPairCount = 2;

    /** Ids in the finished vocabulary: 256 bytes + merges + special tokens. */
    public Builder setVocabSize(int v) {
      this.vocabSize = v;
      return this;
    }

    /** Special tokens, added after the merges in this order; the first must be {@code <|endoftext|>}. */
    public Builder optSpecialTokens(List<String> v) {
      this.specialTokens = v;
      return this;
    }

    /** Stop early when the most frequent pair occurs fewer times than this. */
    public Builder optMinPairCount(long v) {
      this.minPairCount = v;
      return this;
    }

    public BpeTrainer build() {
      if (specialTokens.isEmpty() || !specialTokens.get(0).equals(TokenizerJson.END_OF_TEXT)) {
        throw new IllegalArgumentException("special tokens must start with " + TokenizerJson.END_OF_TEXT + ", got " + specialTokens);
      }
      if (new HashSet<>(specialTokens).size() != specialTokens.size()) {
        throw new IllegalArgumentException("special tokens must be distinct, got " + specialTokens);
      }
      if (vocabSize < 256 + specialTokens.size()) {
        throw new IllegalArgumentException("vocab size must be at least 256 + " + specialTokens.size()
            + " special tokens, got " + vocabSize);
      }
      if (minPairCount < 1) {
        throw new IllegalArgumentException("min pair count must be >= 1, got " + minPairCount);
      }
      return new BpeTrainer(this);
    }
  }
}
