package org.sparklm.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.sparklm.model.gpt.Gpt;

/**
 * AdamW (Loshchilov & Hutter), the update {@code torch.optim.AdamW} makes, step for step.
 *
 * <p>Written here rather than taken from DJL because DJL's {@code Adam}/{@code AdamW} keeps its
 * moments private (a checkpoint could not save them), applies one weight decay to every parameter
 * (GPT training decays only the 2-D weights, not biases and LayerNorm gains), and clips each
 * gradient element instead of the global norm.
 *
 * <p>Flat, like PyTorch's fused AdamW that nanoGPT uses: the parameters are views of one
 * contiguous buffer (see {@link Gpt#flatParameters()}, matrices first), and the moments are two
 * buffers of the same layout, so a step is ten array operations whatever the number of parameter
 * tensors, instead of ten per tensor (520 native calls a step for a 4-layer model, which cost more
 * than the arithmetic). Each element sees exactly the operations of the per-tensor update.
 *
 * <p>State: the first and second moments {@code m}, {@code v} (fp32, on the parameters' device)
 * and the step count; all of it is exposed by parameter name for checkpoints.
 *
 * <p>The update takes the gradients as one flat array, so a data-parallel trainer can hand in
 * gradients it averaged itself ({@link #update(NDArray, double, double, NDManager)}).
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDArray params;
  private final long decayed;
  private final NDArray m;
  private final NDArray v;
  private final Map<String, NDArray> mByName = new LinkedHashMap<>();
  private final Map<String, NDArray> vByName = new LinkedHashMap<>();
  private long step;

  /** For {@code model}'s fp32 parameters; the state is created as zeros in the model's manager. */
  public AdamW(Gpt model, double beta1, double beta2, double eps, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.params = model.flatParameters();
    this.decayed = model.decayedSize();
    NDManager owner = params.getManager();
    this.m = owner.zeros(params.getShape());
    this.v = owner.zeros(params.getShape());
    long offset = 0;
    for (Map.Entry<String, NDArray> e : model.flatOrder().entrySet()) {
      long size = e.getValue().size();
      NDIndex slice = new NDIndex(offset + ":" + (offset + size));
      mByName.put(e.getKey(), view(m, slice, e.getValue().getShape()));
      vByName.put(e.getKey(), view(v, slice, e.getValue().getShape()));
      offset += size;
    }
  }

  private static NDArray view(NDArray flat, NDIndex slice, Shape shape) {
    NDArray part = flat.get(slice);
    NDArray shaped = part.reshape(shape);
    part.close();
    return shaped;
  }

  /**
   * One AdamW step: {@code p <- p·(1 - lr·wd)} (2-D parameters only), then the Adam update with
   * bias correction. {@code grads} is every gradient in {@link Gpt#flatParameters()}'s layout;
   * {@code gradScale} multiplies it first (clipping and loss-scale undo in one factor).
   * Temporaries are made in {@code scope}.
   */
  public void update(NDArray grads, double lr, double gradScale, NDManager scope) {
    update(grads, lr, gradScale, scope, 1, (n, task) -> task.accept(0));
  }

  /**
   * Runs {@code task.accept(i)} for every {@code i} in {@code [0, n)}, possibly at once on several
   * threads, and returns when all are done (rethrowing a task's failure).
   */
  @FunctionalInterface
  public interface Parallel {
    void forEach(int n, IntConsumer task);
  }

  /**
   * The same update split into {@code slices} contiguous ranges of the flat buffers, run through
   * {@code parallel}. Every operation is elementwise, so each value comes out bit-identical to the
   * one-slice update; on a CPU with one libtorch thread per worker this spreads the step's
   * optimizer work over the cores instead of leaving all but one idle. Slices: {@link Slices}.
   */
  public void update(NDArray grads, double lr, double gradScale, NDManager scope, int slices, Parallel parallel) {
    if (grads.size() != params.size()) {
      throw new IllegalArgumentException("gradients have " + grads.size() + " values, the parameters " + params.size());
    }
    step++;
    // StrictMath: Math.pow may differ by an ulp once JIT-compiled, and resume must be bit-identical
    double bc1 = 1 - StrictMath.pow(beta1, step);
    double bc2 = 1 - StrictMath.pow(beta2, step);
    long size = params.size();
    int n = Slices.count(size, slices);
    parallel.forEach(n, i -> updateSlice(Slices.from(size, n, i), Slices.from(size, n, i + 1), grads, lr, gradScale,
        bc1, bc2, scope));
  }

  private void updateSlice(long from, long to, NDArray grads, double lr, double gradScale, double bc1, double bc2,
                           NDManager scope) {
    boolean whole = from == 0 && to == params.size();
    NDIndex range = new NDIndex(from + ":" + to);
    NDArray p = whole ? params : inScope(scope, params.get(range));
    NDArray ms = whole ? m : inScope(scope, m.get(range));
    NDArray vs = whole ? v : inScope(scope, v.get(range));
    NDArray g = whole ? grads : inScope(scope, grads.get(range));
    long decayedHere = Math.min(decayed, to) - from;
    if (weightDecay > 0 && decayedHere > 0) {
      inScope(scope, p.get(new NDIndex("0:" + decayedHere))).muli(1 - lr * weightDecay);
    }
    NDArray gs = inScope(scope, g.mul(gradScale));
    ms.muli(beta1).addi(inScope(scope, gs.mul(1 - beta1)));
    vs.muli(beta2).addi(inScope(scope, gs.square()).muli(1 - beta2));
    NDArray denom = inScope(scope, vs.sqrt()).divi(Math.sqrt(bc2)).addi(eps);
    NDArray delta = inScope(scope, ms.div(denom)).muli(lr / bc1);
    p.subi(delta);
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
    return mByName;
  }

  /** Second moments by parameter name (live arrays). */
  public Map<String, NDArray> secondMoments() {
    return vByName;
  }

  /** Restores a saved state: moments by name and the step count. */
  public void load(Map<String, float[]> firstMoments, Map<String, float[]> secondMoments, long savedStep) {
    m.set(flat(mByName, firstMoments, "m"));
    v.set(flat(vByName, secondMoments, "v"));
    this.step = savedStep;
  }

  /** The named values laid out like the flat buffer (one host array, one copy to the device). */
  private static float[] flat(Map<String, NDArray> layout, Map<String, float[]> values, String what) {
    long total = 0;
    for (NDArray a : layout.values()) {
      total += a.size();
    }
    float[] out = new float[Math.toIntExact(total)];
    int offset = 0;
    for (Map.Entry<String, NDArray> e : layout.entrySet()) {
      float[] src = values.get(e.getKey());
      if (src == null || src.length != e.getValue().size()) {
        throw new IllegalArgumentException("optimizer state " + what + " for '" + e.getKey() + "' is "
            + (src == null ? "missing" : "of size " + src.length + ", expected " + e.getValue().size()));
      }
      System.arraycopy(src, 0, out, offset, src.length);
      offset += src.length;
    }
    return out;
  }
}
