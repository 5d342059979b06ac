package org.sparklm.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov & Hutter), the update {@code torch.optim.AdamW} makes, step for step.
 *
 * <p>Written here rather than taken from DJL because DJL's {@code Adam}/{@code AdamW} keeps its
 * moments private (a checkpoint could not save them), applies one weight decay to every parameter
 * (GPT training decays only the 2-D weights, not biases and LayerNorm gains), and clips each
 * gradient element instead of the global norm.
 *
 * <p>State: the first and second moments {@code m}, {@code v} per parameter (fp32, on the
 * parameters' device) and the step count; all of it is exposed for checkpoints.
 *
 * <p>The update takes gradients as arrays, so a data-parallel trainer can hand in gradients it
 * averaged itself ({@link #update(Map, Map, double, double, NDManager)}).
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long step;

  /**
   * @param params the parameters; state is created for each (zeros, in the parameters' manager)
   */
  public AdamW(Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDManager owner = e.getValue().getManager();
      m.put(e.getKey(), owner.zeros(e.getValue().getShape()));
      v.put(e.getKey(), owner.zeros(e.getValue().getShape()));
    }
  }

  /** Only matrices (and the embedding tables) decay; biases and LayerNorm gains do not (nanoGPT). */
  public static boolean decays(NDArray param) {
    return param.getShape().dimension() >= 2;
  }

  /**
   * One AdamW step on every parameter: {@code p <- p·(1 - lr·wd)} (2-D only), then the Adam
   * update with bias correction. {@code gradScale} multiplies every gradient first (clipping and
   * loss-scale undo in one factor). Temporaries are made in {@code scope}.
   */
  public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, double gradScale, NDManager scope) {
    step++;
    // StrictMath: Math.pow may differ by an ulp once JIT-compiled, and resume must be bit-identical
    double bc1 = 1 - StrictMath.pow(beta1, step);
    double bc2 = 1 - StrictMath.pow(beta2, step);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String name = e.getKey();
      NDArray p = e.getValue();
      NDArray g = grads.get(name);
      NDArray mi = m.get(name);
      NDArray vi = v.get(name);
      if (weightDecay > 0 && decays(p)) {
        p.muli(1 - lr * weightDecay);
      }
      NDArray gs = inScope(scope, g.mul(gradScale));
      mi.muli(beta1).addi(inScope(scope, gs.mul(1 - beta1)));
      vi.muli(beta2).addi(inScope(scope, gs.square()).muli(1 - beta2));
      NDArray denom = inScope(scope, vi.sqrt()).divi(Math.sqrt(bc2)).addi(eps);
      NDArray delta = inScope(scope, mi.div(denom)).muli(lr / bc1);
      p.subi(delta);
    }
  }

  private static NDArray inScope(NDManager scope, NDArray a) {
    a.attach(scope);
    return a;
  }

  /** Number of updates made so far (Adam's t). */
  public long step() {
    return step;
  }

  /** First moments by parameter name (live arrays: read them, do not close them). */
  public Map<String, NDArray> firstMoments() {
    return m;
  }

  /** Second moments by parameter name (live arrays). */
  public Map<String, NDArray> secondMoments() {
    return v;
  }

  /** Restores a saved state: moments by name and the step count. */
  public void load(Map<String, float[]> firstMoments, Map<String, float[]> secondMoments, long savedStep) {
    copyInto(m, firstMoments, "m");
    copyInto(v, secondMoments, "v");
    this.step = savedStep;
  }

  private static void copyInto(Map<String, NDArray> target, Map<String, float[]> values, String what) {
    for (Map.Entry<String, NDArray> e : target.entrySet()) {
      float[] src = values.get(e.getKey());
      if (src == null || src.length != e.getValue().size()) {
        throw new IllegalArgumentException("optimizer state " + what + " for '" + e.getKey() + "' is "
            + (src == null ? "missing" : "of size " + src.length + ", expected " + e.getValue().size()));
      }
      // not a gradient: set(float[]) on a plain array is safe (the crash is on gradient arrays)
      e.getValue().set(src);
    }
  }
}
