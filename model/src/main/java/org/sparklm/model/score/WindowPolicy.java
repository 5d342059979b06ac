package org.sparklm.model.score;

import java.util.ArrayList;
import java.util.List;

/**
 * How a document longer than the model's context is cut into windows, so that every token after
 * the first is scored exactly once.
 *
 * <p>In both policies a window is a row {@code ids[start, end)} given to the model: position
 * {@code i} of the row predicts {@code ids[i + 1]}, so a row of {@code L + 1} ids uses the full
 * context of {@code L} tokens. Of its predictions only the targets {@code [firstTarget, end)}
 * are kept.
 *
 * <ul>
 *   <li>{@code disjoint} (lm-evaluation-harness's {@code loglikelihood_rolling}:
 *       {@code get_rolling_token_windows} with {@code context_len=1} then
 *       {@code make_disjoint_window}): the targets are cut into consecutive chunks of {@code L};
 *       each chunk is predicted from the {@code L} tokens before its last target, so the last,
 *       shorter chunk still sees a full context. Cheapest: one forward pass per {@code L} tokens.</li>
 *   <li>{@code strided} (Hugging Face's "perplexity of fixed-length models" loop, with
 *       {@code max_length = L + 1}): windows start every {@code stride} tokens; each keeps the
 *       targets the previous one did not reach, so every target after the first window has at
 *       least {@code L - stride} tokens of context. Lower perplexity, {@code L / stride} times the
 *       work. {@code stride <= L} keeps "exactly once" (HF's loop with stride = max_length skips
 *       the first token of every window).</li>
 * </ul>
 *
 * <p>{@code ids} here already include the prefix (BOS) token when the vocabulary has one; the
 * first id is never a target.
 */
public record WindowPolicy(String kind, int stride) {
  public static final WindowPolicy DISJOINT = new WindowPolicy("disjoint", 0);

  /** One row for the model and which of its targets to keep. */
  public record Window(int start, int end, int firstTarget) {
    public int rowLength() {
      return end - start;
    }
  }

  public WindowPolicy {
    if (!kind.equals("disjoint") && !kind.equals("strided")) {
      throw new IllegalArgumentException("window policy must be disjoint or strided, got '" + kind + "'");
    }
    if (kind.equals("strided") && stride < 1) {
      throw new IllegalArgumentException("strided windows need a stride >= 1, got " + stride);
    }
  }

  public static WindowPolicy strided(int stride) {
    return new WindowPolicy("strided", stride);
  }

  /** {@code disjoint} or {@code strided}, with the stride resolved against the context ({@code 0}: half of it). */
  public static WindowPolicy of(String kind, int stride, int context) {
    if (kind.equals("strided")) {
      return strided(stride == 0 ? Math.max(1, context / 2) : stride);
    }
    return DISJOINT;
  }

  /** The name stored in the tables: {@code disjoint} or {@code strided-<stride>}. */
  public String label() {
    return kind.equals("disjoint") ? kind : kind + "-" + stride;
  }

  /** The windows for a sequence of {@code n} ids and a model context of {@code context} tokens. */
  public List<Window> plan(int n, int context) {
    List<Window> out = new ArrayList<>();
    if (n < 2) {
      return out;
    }
    if (kind.equals("disjoint")) {
      int end = Math.min(n, context + 1);
      out.add(new Window(0, end, 1));
      int t = end;
      while (t < n) {
        int b = Math.min(n, t + context);
        out.add(new Window(b - 1 - context, b, t));
        t = b;
      }
      return out;
    }
    if (stride > context) {
      throw new IllegalArgumentException("stride " + stride + " is longer than the context of " + context
          + " tokens: tokens between windows would never be scored; use stride <= " + context + " or disjoint windows");
    }
    int maxLength = context + 1;
    int prevEnd = 0;
    for (int begin = 0; begin < n; begin += stride) {
      int end = Math.min(begin + maxLength, n);
      int first = Math.max(begin + 1, prevEnd);
      if (first < end) {
        out.add(new Window(begin, end, first));
      }
      prevEnd = end;
      if (end == n) {
        break;
      }
    }
    return out;
  }
}
