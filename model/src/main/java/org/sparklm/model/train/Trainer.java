package org.sparklm.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.TokenRows;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.optim.AdamW;
import org.sparklm.model.optim.LrSchedule;
import org.sparklm.model.optim.Slices;

/**
 * The training loop's step, written out rather than DJL's EasyTrain (which has no gradient
 * accumulation to a token budget, no global-norm clipping, no spike skipping and no resumable
 * state). One {@link #step()} is one optimizer update:
 *
 * <ol>
 *   <li>{@code accumulation} micro-batches, each a forward and backward pass in its own
 *       {@link GradientCollector}; torch adds the gradients up on the parameters, then they are
 *       taken off into one flat array in the parameter buffer's order (the step's gradients);</li>
 *   <li>the global gradient norm and the mean loss come back to the host in one copy (the only
 *       device-to-host sync of the step);</li>
 *   <li>a NaN/inf loss or gradient, or a loss spike, skips the update and says why;</li>
 *   <li>otherwise AdamW updates with the gradient scaled once for clipping (and, in fp16, for
 *       undoing the loss scale);</li>
 *   <li>every array the step made, the flat gradients too, is freed with its manager.</li>
 * </ol>
 *
 * <p>Data parallelism: give the builder a {@link GradientSync} ({@code optGradientSync}); each
 * step then averages the flat gradients and the loss across workers before the checks and the
 * update. The pieces are public too: {@link #computeGradients}, the flat-buffer views
 * {@link #readGradients}/{@link #writeGradients}, {@link #gradientNorm} and {@link #applyGradients}.
 */
public final class Trainer implements AutoCloseable {
  /** Loss-scale growth: double after this many finite fp16 steps (PyTorch's GradScaler default). */
  static final int SCALE_GROWTH_INTERVAL = 2000;
  /** Losses kept for spike detection; the first {@code SPIKE_WARMUP} steps are never called spikes. */
  static final int SPIKE_WINDOW = 50;
  static final int SPIKE_WARMUP = 20;

  private final Gpt model;
  private final TrainConfig config;
  private final TokenSource source;
  private final int accumulation;
  private final LrSchedule schedule;
  private final AdamW optimizer;
  private final boolean fp16;
  private final double peakFlops;
  private final GradientSync sync;
  private final StepSync stepSync;
  /** Replicas 1..R-1 of the model (replica 0 is the model itself) and the threads that run them; empty for one. */
  private final List<Gpt> replicas = new ArrayList<>();
  private final ReplicaThreads replicaThreads;
  private TokenRows rows;
  /**
   * The step's gradients: one fp32 array in {@link Gpt#flatOrder()}'s order, the layout of the
   * flat parameter buffer, owned by the step's scope; null outside a step. Once taken off, the
   * parameters' own gradients are zero again, ready for the next step's backward passes.
   */
  private NDArray grads;
  /** The step's scope for each replica's arrays (0: the step's own); null outside a replicated step. */
  private NDManager[] replicaScopes;
  /** {@link #writeGradients}' staging buffer, allocated on first use. */
  private ByteBuffer staging;
  private long step;
  private double lossScale;
  private long goodSteps;
  private int consecutiveSkips;
  private final ArrayDeque<Double> recentLosses = new ArrayDeque<>();
  private final int[] rowBuf;
  private final long[] inBuf;
  private final long[] outBuf;

  private Trainer(Builder b) throws IOException {
    this.model = b.model;
    this.config = b.config;
    this.source = b.source;
    int seqLen = model.config().seqLen();
    model.config().checkFits(source.seqLen(), source.vocabSize());
    this.accumulation = config.accumulation(seqLen);
    this.schedule = config.schedule();
    this.fp16 = "fp16".equals(config.precision());
    if (fp16 && !model.device().isGpu() && !b.fp16OnCpu) {
      throw new org.sparklm.model.config.InvalidValueException("precision",
          "fp16 needs a GPU (the model is on " + model.device() + "): use precision=fp32 on CPU");
    }
    int replicaCount = replicaCount(config, model, fp16);
    int threads = replicaCount > 1 ? Math.max(1, config.threads()) : config.threads();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    if (!model.device().isGpu()) {
      NativeHeap.tune(); // keep libtorch's per-step buffers in the heap instead of page-faulting them in again
    }
    if (replicaCount > 1) {
      // OpenMP's thread count is per thread: set it in each
      this.replicaThreads = new ReplicaThreads(replicaCount - 1, () -> JniUtils.setNumThreads(threads),
          "sparklm-replica");
      for (int i = 1; i < replicaCount; i++) {
        replicas.add(model.replica());
      }
    } else {
      this.replicaThreads = null;
    }
    model.setComputeType(fp16 ? DataType.FLOAT16 : DataType.FLOAT32);
    this.optimizer = new AdamW(model, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
    this.peakFlops = b.peakFlops;
    this.sync = b.sync;
    this.stepSync = b.stepSync;
    if (sync != null) {
      requireFp32("data-parallel gradient sync");
    }
    this.lossScale = fp16 ? 65536.0 : 1.0;
    TrainState s = b.state;
    ShardCursor cursor = ShardCursor.START;
    if (s != null) {
      this.step = s.step();
      this.lossScale = s.lossScale();
      this.goodSteps = s.goodSteps();
      s.recentLosses().forEach(recentLosses::addLast);
      optimizer.load(s.firstMoments(), s.secondMoments(), s.adamStep());
      cursor = s.cursor();
    }
    this.rows = source.open(cursor);
    this.rowBuf = new int[source.seqLen() + 1];
    this.inBuf = new long[config.microBatch() * seqLen];
    this.outBuf = new long[config.microBatch() * seqLen];
  }

  public static Builder builder() {
    return new Builder();
  }

  /** DJL-style builder: {@code set…} required, {@code opt…} optional. */
  public static final class Builder {
    private Gpt model;
    private TrainConfig config;
    private TokenSource source;
    private TrainState state;
    private double peakFlops = Double.NaN;
    private boolean fp16OnCpu;
    private GradientSync sync;
    private StepSync stepSync;

    /** Data parallelism: averages each step's gradients (and loss) across workers. */
    public Builder optGradientSync(GradientSync v) {
      this.sync = v;
      return this;
    }

    /** Tests only: run the fp16 path on the CPU (slow there, but it exercises the code). */
    Builder allowFp16OnCpu() {
      this.fp16OnCpu = true;
      return this;
    }

    public Builder setModel(Gpt v) {
      this.model = v;
      return this;
    }

    public Builder setConfig(TrainConfig v) {
      this.config = v;
      return this;
    }

    public Builder setData(TokenSource v) {
      this.source = v;
      return this;
    }

    /** Resume from a checkpoint's state (the model must already hold the checkpoint's weights). */
    public Builder optState(TrainState v) {
      this.state = v;
      return this;
    }

    /** The device's measured peak FLOP/s, for MFU; without it MFU is reported as NaN. */
    public Builder optPeakFlops(double v) {
      this.peakFlops = v;
      return this;
    }

    /**
     * Data parallelism with full control of the step (the Spark data-parallel worker): called in
     * every step between the backward passes and the update, instead of a {@link GradientSync}.
     */
    public Builder optStepSync(StepSync v) {
      this.stepSync = v;
      return this;
    }

    public Trainer build() throws IOException {
      if (model == null || config == null || source == null) {
        throw new IllegalStateException("setModel, setConfig and setData are required");
      }
      return new Trainer(this);
    }
  }

  /** What one step did; what the progress line and the metrics table show. {@code step} counts from 1. */
  public record StepResult(long step, double loss, double lr, double gradNorm, long tokens, double stepMs,
                           double tokensPerSec, double mfu, boolean skipped, String skipReason, double lossScale) {
    public String progressLine(long maxSteps) {
      String s = String.format("step %d/%d | loss %.4f | lr %.2e | grad norm %.3f | %.0f tok/s | %.1f ms | MFU %s",
          step, maxSteps, loss, lr, gradNorm, tokensPerSec, stepMs, Double.isNaN(mfu) ? "n/a" : String.format("%.1f%%", 100 * mfu));
      if (lossScale != 1.0) {
        s += String.format(" | loss scale %.0f", lossScale);
      }
      return skipped ? s + " | SKIPPED: " + skipReason : s;
    }
  }

  /** The loss and tokens of one step's accumulated gradients (still on the parameters). */
  public record Gradients(double loss, double gradNorm, long tokens) {}

  /**
   * Replaces this rank's gradients on the parameters by the ranks' mean (through
   * {@link #readGradients}/{@link #writeGradients}) and returns the global loss, norm and tokens;
   * every rank must return the same values so that all take the same skip/update decision.
   */
  public interface StepSync {
    Gradients synchronize(Trainer trainer, Gradients local) throws IOException;
  }

  /** One optimizer step: gradients over {@code accumulation} micro-batches, checks, update. */
  public StepResult step() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      // a cancelled Spark task or a shut-down caller: stop between steps (libtorch's ops and the
      // replica threads run a started step to its end; the flag stays set for the caller)
      throw new InterruptedIOException("training interrupted before step " + (step + 1));
    }
    long t0 = System.nanoTime();
    double lr = schedule.lr(step);
    try (NDManager scope = model.manager().newSubManager()) {
      Gradients g = computeGradients(scope);
      if (stepSync != null) {
        g = stepSync.synchronize(this, g);
      } else if (sync != null) {
        g = synchronize(g, scope);
      }
      String skip = skipReason(g);
      if (skip == null) {
        applyGradients(g, lr, scope);
      } else {
        skip(skip);
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      double tps = g.tokens() / (ms / 1000);
      double mfu = model.config().flopsPerToken() * tps / peakFlops;
      StepResult r = new StepResult(step + 1, g.loss(), lr, g.gradNorm(), g.tokens(), ms, tps, mfu, skip != null, skip, lossScale);
      step++;
      return r;
    } finally {
      // a step that failed half-way (a lost peer, a replica's error) leaves nothing that points
      // into its freed scope; the next step computes its gradients afresh
      grads = null;
      replicaScopes = null;
    }
  }

  /**
   * Forward and backward over one step's micro-batches; the gradients are left summed on the
   * parameters (divided by {@code accumulation}, times the loss scale). Arrays made are freed
   * with {@code scope}.
   */
  public Gradients computeGradients(NDManager scope) throws IOException {
    if (!replicas.isEmpty()) {
      return computeGradientsReplicated(scope);
    }
    if (model.config().dropout() > 0) {
      // Dropout's randomness is a function of (seed, step): a resumed run draws the same masks.
      Engine.getInstance().setRandomSeed((int) (config.seed() * 7919 + step));
    }
    NDArray lossSum = null;
    int seqLen = model.config().seqLen();
    Shape shape = new Shape(config.microBatch(), seqLen);
    for (int a = 0; a < accumulation; a++) {
      nextMicroBatch();
      NDArray x = scope.create(inBuf, shape);   // the scope is on the model's device
      NDArray y = scope.create(outBuf, shape);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = model.loss(x, y, true);
        gc.backward(loss.mul(lossScale / accumulation));
        NDArray l = loss.stopGradient();
        lossSum = lossSum == null ? l : lossSum.add(l);
      }
    }
    grads = takeGradients(model, scope);
    return summary(lossSum, squaredGradientNorm(scope));
  }

  /**
   * {@code m}'s gradients as one flat fp32 array in flat order, owned by {@code scope}; the
   * parameters' gradients are zeroed (never set(float[]) on a gradient: zero_ in place).
   */
  private static NDArray takeGradients(Gpt m, NDManager scope) {
    NDList parts = new NDList();
    for (String name : m.flatOrder().keySet()) {
      NDArray flatGrad = gradient(m.trainable().get(name), scope).reshape(-1);
      flatGrad.attach(scope);
      parts.add(flatGrad);
    }
    NDArray flat = NDArrays.concat(parts);
    flat.attach(scope);
    for (NDArray p : m.trainable().values()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
    return flat;
  }

  /** The step's flat gradients; fails outside a step. */
  private NDArray stepGradients() {
    if (grads == null) {
      throw new IllegalStateException("no gradients: call computeGradients first (and not after applyGradients)");
    }
    return grads;
  }

  /** The next micro-batch's rows into {@code inBuf} (ids) and {@code outBuf} (the ids one position on). */
  private void nextMicroBatch() throws IOException {
    int seqLen = model.config().seqLen();
    for (int r = 0; r < config.microBatch(); r++) {
      rows.next(rowBuf);
      for (int j = 0; j < seqLen; j++) {
        inBuf[r * seqLen + j] = rowBuf[j];
        outBuf[r * seqLen + j] = rowBuf[j + 1];
      }
    }
  }

  /** Mean loss and gradient norm of the step from the summed losses and the squared norm of the gradients. */
  private Gradients summary(NDArray lossSum, NDArray normSq) {
    // the step's one device-to-host copy: mean loss and squared gradient norm together
    float[] host = NDArrays.stack(new NDList(lossSum.div(accumulation), normSq))
        .toType(DataType.FLOAT32, false).toDevice(ai.djl.Device.cpu(), false).toFloatArray();
    double norm = Math.sqrt(host[1]) / lossScale;
    return new Gradients(host[0], norm, (long) accumulation * config.microBatch() * model.config().seqLen());
  }

  private NDArray squaredGradientNorm(NDManager scope) {
    NDArray sq = stepGradients().square();
    sq.attach(scope);
    NDArray sum = sq.sum();
    sum.attach(scope);
    return sum;
  }

  /**
   * How many replicas: {@code replicas} if set (it needs the CPU, fp32 and dropout 0), else one
   * per core when the device is the CPU, {@code threads} is unset and dropout is 0; never more
   * than the rows of a micro-batch.
   */
  static int replicaCount(TrainConfig config, Gpt model, boolean fp16) {
    boolean possible = !model.device().isGpu() && !fp16 && model.config().dropout() == 0;
    if (config.replicas() > 1 && !possible) {
      throw new org.sparklm.model.config.InvalidValueException("replicas", "more than 1 replica needs the CPU, fp32 and "
          + "dropout 0 (two threads drawing dropout masks from libtorch's one generator would not draw the same masks "
          + "twice); got device " + model.device() + ", precision " + config.precision() + ", dropout "
          + model.config().dropout() + ": set replicas to 1 or 0");
    }
    int n = config.replicas() > 0 ? config.replicas()
        : possible && config.threads() == 0 ? Runtime.getRuntime().availableProcessors() : 1;
    return Math.max(1, Math.min(n, config.microBatch()));
  }

  /** Replicas in use, the model itself included (1: no replica threads). */
  public int replicaCount() {
    return replicas.size() + 1;
  }

  /**
   * {@link #computeGradients} with replicas: every micro-batch's rows are split into contiguous
   * slices, replica r runs slice r (forward and backward, single-threaded libtorch) on its own
   * thread into its own gradients, weighted by its share of the rows, and after the last
   * micro-batch takes them off into a flat array; then the flat arrays are added in replica
   * order, each thread adding one slice and its squared norm. Why threads and not libtorch's
   * OpenMP: at this size each op is too short to split well over cores (the second OpenMP thread
   * spun idle 32% of the time, measured with perf), while whole slices run in parallel with no
   * hand-off. Each replica has gradients of its own and they are summed in a fixed order, so the
   * replicas add no run-to-run difference of their own (libtorch on this CPU still differs in the
   * last bits about once in 20-100 runs, with or without replicas).
   */
  private Gradients computeGradientsReplicated(NDManager scope) throws IOException {
    int count = replicaCount();
    NDArray[] lossSums = new NDArray[count];
    NDArray[] flats = new NDArray[count];
    // replica r > 0 makes its arrays in a scope of its own, which its thread frees in the update
    replicaScopes = new NDManager[count];
    replicaScopes[0] = scope;
    for (int r = 1; r < count; r++) {
      replicaScopes[r] = scope.newSubManager();
    }
    for (int a = 0; a < accumulation; a++) {
      nextMicroBatch();
      boolean last = a == accumulation - 1;
      onEveryReplica(count, true, r -> {
        Gpt replica = r == 0 ? model : replicas.get(r - 1);
        NDArray loss = replicaPass(replica, r, count, replicaScopes[r]);
        lossSums[r] = lossSums[r] == null ? loss : lossSums[r].add(loss);
        if (last) {
          flats[r] = takeGradients(replica, replicaScopes[r]); // each replica flattens its own, in parallel
        }
      });
    }
    // the replicas' gradients added in replica order (the same sums as one model would hold)
    // and their squared norm, slice by slice on every thread
    grads = flats[0];
    long size = grads.size();
    int slices = Slices.count(size, count);
    NDArray[] sumSq = new NDArray[slices];
    onEveryReplica(slices, false, i -> {
      NDIndex slice = Slices.index(size, slices, i);
      NDArray sum = grads.get(slice);
      sum.attach(scope);
      for (int r = 1; r < count; r++) {
        NDArray part = flats[r].get(slice);
        part.attach(scope);
        sum.addi(part);
      }
      NDArray sq = sum.square();
      sq.attach(scope);
      sumSq[i] = sq.sum();
      sumSq[i].attach(scope);
    });
    NDArray lossSum = lossSums[0];
    NDArray normSq = sumSq[0];
    for (int i = 1; i < count; i++) {
      lossSum = lossSum.add(lossSums[i]); // in the step's scope: replica scopes close in the update
    }
    for (int i = 1; i < slices; i++) {
      normSq = normSq.add(sumSq[i]);
    }
    return summary(lossSum, normSq);
  }

  /**
   * Runs {@code task} for replicas {@code 0..n-1} at once, 0 on this thread and the others on the
   * replica threads, with libtorch's grad mode as given in each (it is per thread); returns when
   * all are done and rethrows the first failure.
   */
  private void onEveryReplica(int n, boolean gradMode, IntConsumer task) {
    if (n == 1) {
      withGradMode(gradMode, () -> task.accept(0));
    } else {
      replicaThreads.forEach(n, i -> withGradMode(gradMode, () -> task.accept(i)));
    }
  }

  private static void withGradMode(boolean mode, Runnable r) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(mode); // grad mode is per thread in libtorch
    try {
      r.run();
    } finally {
      JniUtils.setGradMode(was);
    }
  }

  /**
   * Replica {@code r}'s slice of the micro-batch now in {@code inBuf}/{@code outBuf}: forward,
   * backward into its own gradients, weighted by its share of the rows (grad mode on: the caller
   * sets it for the thread). Returns its weighted loss.
   */
  private NDArray replicaPass(Gpt replica, int r, int count, NDManager scope) {
    int seqLen = model.config().seqLen();
    int rowsPerMicro = config.microBatch();
    int from = rowsPerMicro * r / count;
    int to = rowsPerMicro * (r + 1) / count;
    double share = (double) (to - from) / rowsPerMicro;
    NDArray x = scope.create(Arrays.copyOfRange(inBuf, from * seqLen, to * seqLen), new Shape(to - from, seqLen));
    NDArray y = scope.create(Arrays.copyOfRange(outBuf, from * seqLen, to * seqLen), new Shape(to - from, seqLen));
    NDArray loss = replica.loss(x, y, true).mul(share);
    NDArray seed = loss.mul(lossScale / accumulation);
    JniUtils.backward((PtNDArray) seed, (PtNDArray) seed.onesLike(), false, false);
    return loss.stopGradient();
  }

  /**
   * Averages this step's gradients and loss across workers through {@link GradientSync}: the
   * gradients (layout order) and the loss travel in one flat buffer, so every rank then sees the
   * same gradients, norm and loss and makes the same skip decision.
   */
  private Gradients synchronize(Gradients local, NDManager scope) throws IOException {
    int n = Math.toIntExact(gradientSize());
    FloatBuffer flat = FloatBuffer.allocate(n + 1);
    readGradients(flat);
    flat.put((float) local.loss());
    flat.flip();
    sync.allReduceMean(flat);
    flat.rewind();
    writeGradients(flat);
    double loss = flat.get(n);
    return new Gradients(loss, gradientNorm(scope), local.tokens());
  }

  /** The global L2 norm of the step's gradients (one host sync), loss scale undone. */
  public double gradientNorm(NDManager scope) {
    return Math.sqrt(squaredGradientNorm(scope).toType(DataType.FLOAT32, false).getFloat()) / lossScale;
  }

  /** Why this step's update must not happen, or null. */
  private String skipReason(Gradients g) {
    if (!Double.isFinite(g.loss())) {
      return "loss is " + g.loss();
    }
    if (!Double.isFinite(g.gradNorm())) {
      return fp16 ? "gradient overflow in fp16 (norm " + g.gradNorm() + "): loss scale " + lossScale + " -> " + lossScale / 2
          : "gradient norm is " + g.gradNorm() + nonFiniteGradients();
    }
    if (config.spikeFactor() > 0 && recentLosses.size() >= SPIKE_WARMUP) {
      double avg = recentLosses.stream().mapToDouble(Double::doubleValue).average().orElse(g.loss());
      if (g.loss() > config.spikeFactor() * avg) {
        return String.format("loss spike: %.4f > %.1f x recent average %.4f", g.loss(), config.spikeFactor(), avg);
      }
    }
    return null;
  }

  /** Which parameters hold non-finite gradients (the failure path only: one host copy of the flat gradients). */
  private String nonFiniteGradients() {
    List<String> names = new ArrayList<>();
    FloatBuffer all = stepGradients().toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    int at = 0;
    for (Map.Entry<String, NDArray> e : model.flatOrder().entrySet()) {
      int size = Math.toIntExact(e.getValue().size());
      for (int i = at; i < at + size; i++) {
        if (!Float.isFinite(all.get(i))) {
          names.add(e.getKey());
          break;
        }
      }
      at += size;
    }
    return names.isEmpty() ? "" : " (non-finite gradients in " + String.join(", ", names) + ")";
  }

  private void skip(String reason) {
    grads = null; // freed with the step's scope
    replicaScopes = null;
    consecutiveSkips++;
    if (fp16 && reason.startsWith("gradient overflow")) {
      lossScale = Math.max(1.0, lossScale / 2);
      goodSteps = 0;
    }
    System.err.println("train: step " + (step + 1) + " skipped: " + reason);
    if (consecutiveSkips >= config.maxConsecutiveSkips()) {
      throw new TrainingDivergedException("training stopped at step " + (step + 1) + ": " + consecutiveSkips
          + " steps in a row were skipped (last: " + reason + "); lower train.lr or raise train.warmup_steps, "
          + "then resume from the last checkpoint");
    }
  }

  /**
   * The AdamW update from the step's gradients, clipped to the global norm {@code grad_clip}; the
   * gradients are then used up (the next step computes new ones). With replicas, the update's
   * elementwise work is split over the replica threads (each value bit-identical either way).
   */
  public void applyGradients(Gradients g, double lr, NDManager scope) {
    double clip = config.gradClip() > 0 && g.gradNorm() > config.gradClip() ? config.gradClip() / g.gradNorm() : 1.0;
    NDArray flat = stepGradients();
    // with the update's slices, replica threads free their pass's arrays (their own malloc arenas)
    AdamW.Parallel threads = (n, task) -> onEveryReplica(n, false, i -> {
      task.accept(i);
      if (i > 0 && replicaScopes != null) {
        replicaScopes[i].close();
      }
    });
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place updates of leaf parameters must not be recorded
    try {
      optimizer.update(flat, lr, clip / lossScale, scope, replicaCount(), threads);
      model.syncComputeCopies(scope); // fp16: the updated fp32 masters into the fp16 copies
    } finally {
      JniUtils.setGradMode(was);
    }
    grads = null;
    replicaScopes = null; // any not freed above go with the step's scope
    consecutiveSkips = 0;
    recentLosses.addLast(g.loss());
    if (recentLosses.size() > SPIKE_WINDOW) {
      recentLosses.removeFirst();
    }
    if (fp16 && ++goodSteps % SCALE_GROWTH_INTERVAL == 0) {
      lossScale *= 2;
    }
  }

  /**
   * A parameter's gradient as an fp32 array owned by {@code scope} (in fp32 the wrapper only,
   * the data stays; an fp16 gradient is converted to a new fp32 array).
   */
  private static NDArray gradient(NDArray p, NDManager scope) {
    NDArray g = p.getGradient();
    g.attach(scope);
    if (g.getDataType() != DataType.FLOAT32) {
      g = g.toType(DataType.FLOAT32, false);
      g.attach(scope);
    }
    return g;
  }

  /**
   * Zeroes the step's gradients and any left on the parameters (torch's zero_ on .grad: never
   * set(float[]) on a gradient).
   */
  public void zeroGradients() {
    for (NDArray p : model.trainable().values()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
    if (grads != null) {
      grads.set(new NDIndex("..."), 0f);
    }
  }

  /** Total number of gradient values: the length of the flat buffers below. */
  public long gradientSize() {
    long n = 0;
    for (NDArray p : model.parameters().values()) {
      n += p.size();
    }
    return n;
  }

  /**
   * Copies the step's gradients into {@code dst}, in the flat parameter order
   * ({@link Gpt#flatOrder()}), one copy (CPU models; for all-reduce).
   */
  public void readGradients(FloatBuffer dst) {
    requireFp32("readGradients");
    dst.put(stepGradients().toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer());
  }

  /**
   * Replaces the step's gradients with {@code src} (flat parameter order), e.g. the all-reduced
   * mean: one copy through {@code set(NDIndex, NDArray)}.
   */
  public void writeGradients(FloatBuffer src) {
    requireFp32("writeGradients");
    NDArray flat = stepGradients();
    int n = Math.toIntExact(flat.size());
    if (src.remaining() < n) {
      throw new IllegalArgumentException("writeGradients needs " + n + " values, got " + src.remaining());
    }
    // staged through one direct buffer kept for the run: no per-step allocation of the gradient's size
    if (staging == null || staging.capacity() != 4 * n) {
      staging = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
    }
    staging.clear();
    staging.asFloatBuffer().put(src.slice().limit(n));
    src.position(src.position() + n);
    try (NDArray values = flat.getManager().create(staging, flat.getShape(), DataType.FLOAT32)) {
      flat.set(new NDIndex("..."), values.toDevice(flat.getDevice(), false));
    }
  }

  private void requireFp32(String what) {
    if (fp16) {
      throw new IllegalStateException(what + " works on fp32 training only (the gradients of an fp16 run are on its fp16 copies)");
    }
  }

  /** The learning rate of the next step. */
  public double nextLr() {
    return schedule.lr(step);
  }

  /** The fp16 loss scale the gradients on the parameters are multiplied by (1 in fp32). */
  public double lossScale() {
    return lossScale;
  }

  /** Steps done (the next step's index). */
  public long stepsDone() {
    return step;
  }

  public int accumulation() {
    return accumulation;
  }

  public Gpt model() {
    return model;
  }

  public TrainConfig config() {
    return config;
  }

  /** Everything besides the weights that a resumed run needs to continue bit-identically. */
  public TrainState state() {
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    optimizer.firstMoments().forEach((k, a) -> m.put(k, a.toFloatArray()));
    optimizer.secondMoments().forEach((k, a) -> v.put(k, a.toFloatArray()));
    return new TrainState(step, rows.cursor(), lossScale, goodSteps, java.util.List.copyOf(recentLosses),
        optimizer.step(), m, v);
  }

  @Override
  public void close() throws IOException {
    if (replicaThreads != null) {
      replicaThreads.close();
    }
    replicas.forEach(Gpt::close);
    rows.close();
  }

  /** Too many steps in a row were skipped: the run has diverged. */
  public static final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
      super(message);
    }
  }
}
