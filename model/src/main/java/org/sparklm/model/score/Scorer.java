package org.sparklm.model.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparklm.model.gpt.Gpt;

/**
 * Per-token log-probabilities from a model, without autograd, in batches of rows of equal length
 * (rows are sorted by length, longest first, and cut into batches of at most
 * {@code batchTokens} ids): no padding token ever enters the model, so no score depends on one.
 *
 * <p>The forward pass is {@link Gpt#logProbs}, which turns grad mode off on the calling thread
 * for the call (grad mode is per thread in libtorch), so whichever Spark task thread scores, no
 * graph is recorded. One {@link Gpt} is not safe for concurrent forward passes (it caches masks
 * lazily), so calls on the same model are serialized on it; libtorch still uses every core for
 * each call.
 */
public final class Scorer {
  private final Gpt model;
  private final int batchTokens;
  private long rowsScored;
  private long tokensScored;

  /**
   * @param batchRows full-context rows per forward pass; shorter rows are packed up to the same
   *     number of ids
   */
  public Scorer(Gpt model, int batchRows) {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batch rows must be >= 1, got " + batchRows);
    }
    this.model = model;
    this.batchTokens = batchRows * (model.config().seqLen() + 1);
  }

  /** The model's context in tokens. */
  public int context() {
    return model.config().seqLen();
  }

  public Gpt model() {
    return model;
  }

  /**
   * The log-prob of every target of every document: {@code result[d][j]} is
   * {@code log p(ids[d][j + 1] | ids[d][0..j])} under the window policy (length {@code n - 1}).
   */
  public float[][] scoreDocuments(List<int[]> docs, WindowPolicy policy) {
    List<int[]> rows = new ArrayList<>();
    List<int[]> where = new ArrayList<>(); // doc, first target, row start
    List<Integer> keep = new ArrayList<>();
    float[][] out = new float[docs.size()][];
    for (int d = 0; d < docs.size(); d++) {
      int[] ids = docs.get(d);
      checkIds(ids, d);
      out[d] = new float[Math.max(0, ids.length - 1)];
      for (WindowPolicy.Window w : policy.plan(ids.length, context())) {
        rows.add(Arrays.copyOfRange(ids, w.start(), w.end()));
        keep.add(w.firstTarget() - w.start());
        where.add(new int[] {d, w.firstTarget()});
      }
    }
    float[][] scored = scoreRows(rows, keep.stream().mapToInt(Integer::intValue).toArray());
    for (int i = 0; i < scored.length; i++) {
      int[] w = where.get(i);
      System.arraycopy(scored[i], 0, out[w[0]], w[1] - 1, scored[i].length);
    }
    return out;
  }

  /**
   * For each row, the log-probs of its ids from {@code keepFrom[i]} on (each given the ids
   * before it in the row). Rows hold at most {@code context() + 1} ids and at least 2.
   */
  public float[][] scoreRows(List<int[]> rows, int[] keepFrom) {
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      int len = rows.get(i).length;
      if (len < 2 || len > context() + 1) {
        throw new IllegalArgumentException("row " + i + " has " + len + " ids; rows need 2 to " + (context() + 1));
      }
      if (keepFrom[i] < 1 || keepFrom[i] >= len) {
        throw new IllegalArgumentException("row " + i + ": first kept target " + keepFrom[i] + " is outside 1.." + (len - 1));
      }
    }
    Arrays.sort(order, (a, b) -> Integer.compare(rows.get(b).length, rows.get(a).length));
    float[][] out = new float[rows.size()][];
    int i = 0;
    while (i < order.length) {
      int len = rows.get(order[i]).length;
      int perBatch = Math.max(1, batchTokens / len);
      int j = i;
      while (j < order.length && j - i < perBatch && rows.get(order[j]).length == len) {
        j++;
      }
      int[][] batch = new int[j - i][];
      for (int k = i; k < j; k++) {
        batch[k - i] = rows.get(order[k]);
      }
      float[][] lp;
      synchronized (model) {
        lp = model.logProbs(batch);
      }
      for (int k = i; k < j; k++) {
        int r = order[k];
        // lp[row][p] is the log-prob of row[p + 1]
        out[r] = Arrays.copyOfRange(lp[k - i], keepFrom[r] - 1, len - 1);
        tokensScored += out[r].length;
      }
      rowsScored += j - i;
      i = j;
    }
    return out;
  }

  private void checkIds(int[] ids, int doc) {
    int vocab = model.config().vocabSize();
    for (int j = 0; j < ids.length; j++) {
      if (ids[j] < 0 || ids[j] >= vocab) {
        throw new IllegalArgumentException("document " + doc + " has token id " + ids[j] + " at position " + j
            + ", outside the model's vocabulary [0, " + vocab + ")");
      }
    }
  }

  /** Rows given to the model so far (for benchmarks). */
  public long rowsScored() {
    return rowsScored;
  }

  /** Targets whose log-prob was kept so far. */
  public long tokensScored() {
    return tokensScored;
  }
}
