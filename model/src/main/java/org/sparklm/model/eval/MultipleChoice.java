package org.sparklm.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparklm.model.score.Scorer;
import org.sparklm.model.score.TextEncoder;

/**
 * Multiple-choice loglikelihood tasks with lm-evaluation-harness's semantics: each choice is the
 * continuation {@code " " + choice} of the context; its log-likelihood is the sum of its tokens'
 * log-probs given the context (the last {@code context + 1} ids if longer); {@code acc} picks the
 * choice with the highest log-likelihood, {@code acc_norm} the highest log-likelihood per
 * character of the choice. Continuation tokens are those of {@code encode(context + cont)} after
 * {@code encode(context)}, as lm-eval splits them.
 */
public final class MultipleChoice {
  private MultipleChoice() {}

  /** lm-eval's default target delimiter. */
  public static final String DELIMITER = " ";

  public record Item(String id, String context, List<String> choices, int gold) implements java.io.Serializable {
    public Item {
      if (choices == null || choices.size() < 2) {
        throw new IllegalArgumentException("item " + id + ": needs at least 2 choices");
      }
      if (gold < 0 || gold >= choices.size()) {
        throw new IllegalArgumentException("item " + id + ": gold " + gold + " is not a choice index 0.." + (choices.size() - 1));
      }
      if (context == null || context.isEmpty()) {
        throw new IllegalArgumentException("item " + id + ": the context is empty");
      }
    }
  }

  /** An item's outcome: every choice's log-likelihood and which choice each metric picked. */
  public record Scored(Item item, double[] logLikelihoods, int predicted, int predictedNorm) {
    public boolean correct() {
      return predicted == item.gold();
    }

    public boolean correctNorm() {
      return predictedNorm == item.gold();
    }
  }

  public static List<Scored> score(Scorer scorer, TextEncoder enc, List<Item> items) {
    int max = scorer.context() + 1;
    List<int[]> rows = new ArrayList<>();
    int[] keep = new int[items.stream().mapToInt(i -> i.choices().size()).sum()];
    int k = 0;
    for (Item it : items) {
      int[] ctx = withBos(enc, enc.encode(it.context()));
      for (String choice : it.choices()) {
        int[] whole = withBos(enc, enc.encode(it.context() + DELIMITER + choice));
        int contLen = whole.length - ctx.length;
        if (contLen < 1 || contLen >= max) {
          throw new IllegalArgumentException("item " + it.id() + ": choice '" + choice + "' is " + contLen
              + " tokens; it must be 1.." + (max - 1));
        }
        int[] row = whole.length > max ? Arrays.copyOfRange(whole, whole.length - max, whole.length) : whole;
        rows.add(row);
        keep[k++] = row.length - contLen;
      }
    }
    float[][] lp = scorer.scoreRows(rows, keep);
    List<Scored> out = new ArrayList<>();
    k = 0;
    for (Item it : items) {
      double[] ll = new double[it.choices().size()];
      int best = 0;
      int bestNorm = 0;
      for (int c = 0; c < ll.length; c++) {
        for (float v : lp[k]) {
          ll[c] += v;
        }
        k++;
        if (ll[c] > ll[best]) {
          best = c;
        }
        if (ll[c] / it.choices().get(c).length() > ll[bestNorm] / it.choices().get(bestNorm).length()) {
          bestNorm = c;
        }
      }
      out.add(new Scored(it, ll, best, bestNorm));
    }
    return out;
  }

  private static int[] withBos(TextEncoder enc, int[] ids) {
    if (enc.bos() < 0) {
      return ids;
    }
    int[] out = new int[ids.length + 1];
    out[0] = enc.bos();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }
}
