package org.sparklm.model.gpt;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A decoder-only transformer (GPT-2), written the way nanoGPT's {@code model.py} is: token
 * embedding plus positions, {@code layers} pre-LayerNorm blocks of causal multi-head
 * self-attention and a GELU MLP with residual connections, a final LayerNorm, and an LM head
 * tied to the token embedding.
 *
 * <p>Why not DJL's {@code Block}s: a block tree hides the parameter names and layout, and this
 * model must save, load and export exactly GPT-2's tensors. So the parameters are plain
 * {@link NDArray}s named as in Hugging Face's GPT-2 ({@code h.0.attn.c_attn.weight}...) with
 * GPT-2's Conv1D layout ({@code [in, out]}: {@code y = x @ W + b}), and the forward pass is a
 * page of NDArray calls.
 *
 * <p>Memory: every array the forward pass makes belongs to the manager of the token ids passed
 * in, so a caller that opens one sub-manager per step and closes it frees all of them.
 *
 * <p>Precision: {@link #parameters()} are always fp32 (the master weights). With
 * {@code compute = FLOAT16} (GPU mixed precision) the model also keeps fp16 copies of them,
 * {@link #trainable()}: the forward and backward passes run on those, and the trainer turns their
 * fp16 gradients into fp32, updates the fp32 masters and copies them back
 * ({@link #syncComputeCopies}). Why copies and not casts inside the graph: DJL 0.36's
 * {@code toType} is not differentiable (the cast's output has no grad_fn, measured), so a cast
 * would cut the gradient off. The one upcast the model needs, the logits before the
 * log-softmax, goes through type promotion (adding an fp32 zero), which autograd does follow.
 */
public final class Gpt implements AutoCloseable {
  private final GptConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> params;
  /** Every fp32 parameter in one contiguous buffer, matrices first; {@link #params} are views of it. */
  private final NDArray flat;
  private final long decayedSize;
  private final Map<String, NDArray> flatOrder;
  private final Map<Integer, NDArray> causalMasks = new HashMap<>();
  private final Map<Integer, NDArray> sinusoids = new HashMap<>();
  private DataType compute = DataType.FLOAT32;
  /** The arrays the forward pass uses: the fp32 parameters, or their fp16 copies. */
  private Map<String, NDArray> computeParams;
  private NDArray fp32Zero;

  private Gpt(GptConfig config, NDManager manager, Map<String, NDArray> params, NDArray flat, long decayedSize,
              Map<String, NDArray> flatOrder) {
    this.config = config;
    this.manager = manager;
    this.params = Collections.unmodifiableMap(params);
    this.flat = flat;
    this.decayedSize = decayedSize;
    this.flatOrder = Collections.unmodifiableMap(flatOrder);
    this.computeParams = this.params;
  }

  /**
   * A new model with GPT-2's initialisation: weights ~ N(0, 0.02), the residual projections
   * ({@code c_proj}) ~ N(0, 0.02/sqrt(2·layers)), biases 0, LayerNorm gains 1. The random numbers
   * come from Java's {@link SplittableRandom}, so a seed gives the same model on every device.
   */
  public static Gpt create(GptConfig config, Device device, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, Shape> shapes = layout(config);
    double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      String name = e.getKey();
      float[] v = new float[Math.toIntExact(e.getValue().size())];
      if (name.contains("ln_") && name.endsWith(".weight")) {
        java.util.Arrays.fill(v, 1f);
      } else if (name.endsWith(".weight")) {
        double std = name.endsWith("c_proj.weight") ? residualStd : 0.02;
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (gaussian(rng) * std);
        }
      }
      values.put(name, v);
    }
    return fromValues(config, device, values);
  }

  /**
   * A model from named fp32 values (a checkpoint), checked against the config's layout. The
   * parameters are views of one contiguous buffer ({@link #flatParameters()}): the matrices and
   * embeddings first, in layout order, then the vectors, so the optimizer updates all of them
   * with a few whole-buffer operations and decays the first {@link #decayedSize()} values.
   */
  public static Gpt fromValues(GptConfig config, Device device, Map<String, float[]> values) {
    Map<String, Shape> layout = layout(config);
    List<String> order = new ArrayList<>();
    layout.forEach((name, shape) -> {
      if (decays(shape)) {
        order.add(name);
      }
    });
    long decayed = 0;
    for (String name : order) {
      decayed += layout.get(name).size();
    }
    layout.forEach((name, shape) -> {
      if (!decays(shape)) {
        order.add(name);
      }
    });
    long total = 0;
    for (String name : order) {
      float[] v = values.get(name);
      Shape shape = layout.get(name);
      if (v == null) {
        throw new IllegalArgumentException("missing parameter '" + name + "' for " + config);
      }
      if (v.length != shape.size()) {
        throw new IllegalArgumentException("parameter '" + name + "' has " + v.length
            + " values, the config needs " + shape + " = " + shape.size());
      }
      total += v.length;
    }
    float[] all = new float[Math.toIntExact(total)];
    int offset = 0;
    for (String name : order) {
      float[] v = values.get(name);
      System.arraycopy(v, 0, all, offset, v.length);
      offset += v.length;
    }
    NDManager manager = NDManager.newBaseManager(device);
    try {
      NDArray flat = manager.create(all);
      return withViews(config, manager, flat, decayed, order);
    } catch (RuntimeException ex) {
      manager.close();
      throw ex;
    }
  }

  /** A model whose parameters are new leaf views of {@code flat} in {@code order}, made in {@code manager}. */
  private static Gpt withViews(GptConfig config, NDManager manager, NDArray flat, long decayed, List<String> order) {
    Map<String, Shape> layout = layout(config);
    Map<String, NDArray> byFlat = new LinkedHashMap<>();
    long at = 0;
    for (String name : order) {
      Shape shape = layout.get(name);
      NDArray part = flat.get(new NDIndex(at + ":" + (at + shape.size())));
      NDArray p = part.reshape(shape);   // a view: writes to flat show here
      part.close();
      p.attach(manager);
      p.setName(name);
      p.setRequiresGradient(true);
      byFlat.put(name, p);
      at += shape.size();
    }
    Map<String, NDArray> params = new LinkedHashMap<>();
    layout.keySet().forEach(name -> params.put(name, byFlat.get(name)));
    return new Gpt(config, manager, params, flat, decayed, byFlat);
  }

  /**
   * The same model for a second thread: new leaf parameters over the same storage (an update of
   * this model shows in the replica at once), so that the replica's backward pass accumulates
   * into gradients of its own instead of racing this model's. Closing it frees only its own
   * arrays. fp32 only.
   */
  public Gpt replica() {
    if (compute != DataType.FLOAT32) {
      throw new IllegalStateException("replicas are for fp32 training");
    }
    NDManager sub = manager.newSubManager();
    try {
      return withViews(config, sub, flat, decayedSize, List.copyOf(flatOrder.keySet()));
    } catch (RuntimeException ex) {
      sub.close();
      throw ex;
    }
  }

  /** Matrices and embedding tables take weight decay; biases and LayerNorm gains do not (nanoGPT). */
  public static boolean decays(Shape shape) {
    return shape.dimension() >= 2;
  }

  /**
   * Every parameter's name and shape, in GPT-2's order and with Hugging Face GPT-2's names and
   * Conv1D layout ({@code [in, out]}). With learned positions this is exactly GPT-2's layout.
   */
  public static Map<String, Shape> layout(GptConfig c) {
    int d = c.dModel();
    int hidden = c.mlpRatio() * d;
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("wte.weight", new Shape(c.vocabSize(), d));
    if ("learned".equals(c.positional())) {
      s.put("wpe.weight", new Shape(c.seqLen(), d));
    }
    for (int i = 0; i < c.layers(); i++) {
      String h = "h." + i + ".";
      layerNorm(s, h + "ln_1", d, c.bias());
      linear(s, h + "attn.c_attn", d, 3 * d, c.bias());
      linear(s, h + "attn.c_proj", d, d, c.bias());
      layerNorm(s, h + "ln_2", d, c.bias());
      linear(s, h + "mlp.c_fc", d, hidden, c.bias());
      linear(s, h + "mlp.c_proj", hidden, d, c.bias());
    }
    layerNorm(s, "ln_f", d, c.bias());
    return s;
  }

  private static void layerNorm(Map<String, Shape> s, String name, int d, boolean bias) {
    s.put(name + ".weight", new Shape(d));
    if (bias) {
      s.put(name + ".bias", new Shape(d));
    }
  }

  private static void linear(Map<String, Shape> s, String name, int in, int out, boolean bias) {
    s.put(name + ".weight", new Shape(in, out));
    if (bias) {
      s.put(name + ".bias", new Shape(out));
    }
  }

  public GptConfig config() {
    return config;
  }

  /** The parameters by GPT-2 name, in layout order. They belong to this model; do not close them. */
  public Map<String, NDArray> parameters() {
    return params;
  }

  public NDManager manager() {
    return manager;
  }

  /** All fp32 parameters as one 1-D buffer that {@link #parameters()} are views of (do not close it). */
  public NDArray flatParameters() {
    return flat;
  }

  /** How many leading values of {@link #flatParameters()} belong to decayed (2-D) parameters. */
  public long decayedSize() {
    return decayedSize;
  }

  /** The parameters in {@link #flatParameters()}'s order (matrices first), with the same arrays as {@link #parameters()}. */
  public Map<String, NDArray> flatOrder() {
    return flatOrder;
  }

  public Device device() {
    return manager.getDevice();
  }

  /**
   * FLOAT32 (default) or FLOAT16 for mixed precision on a GPU: FLOAT16 makes fp16 copies of the
   * parameters that the forward pass uses and that receive the gradients. The fp32 parameters
   * stay the master weights either way.
   */
  public void setComputeType(DataType t) {
    if (t != DataType.FLOAT32 && t != DataType.FLOAT16) {
      throw new IllegalArgumentException("compute type must be FLOAT32 or FLOAT16, got " + t);
    }
    if (t == compute) {
      return;
    }
    if (computeParams != params) {
      computeParams.values().forEach(NDArray::close);
    }
    compute = t;
    if (t == DataType.FLOAT32) {
      computeParams = params;
      return;
    }
    Map<String, NDArray> copies = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray c = e.getValue().toType(t, true);
      c.setName(e.getKey());
      c.setRequiresGradient(true);
      copies.put(e.getKey(), c);
    }
    computeParams = Collections.unmodifiableMap(copies);
    fp32Zero = manager.zeros(new Shape(1));
  }

  public DataType computeType() {
    return compute;
  }

  /**
   * The arrays that get gradients: {@link #parameters()} in fp32, their fp16 copies in mixed
   * precision. Same names and order as {@link #parameters()}.
   */
  public Map<String, NDArray> trainable() {
    return computeParams;
  }

  /** After the fp32 masters changed: copies them into the fp16 compute copies (no-op in fp32). */
  public void syncComputeCopies(NDManager scope) {
    if (computeParams == params) {
      return;
    }
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      NDArray half = e.getValue().toType(compute, true);
      half.attach(scope);
      computeParams.get(e.getKey()).set(new NDIndex("..."), half);
    }
  }

  /**
   * Logits {@code [B, T, vocab]} (in the compute type) for token ids {@code [B, T]} (INT64,
   * T <= seq_len). With {@code training}, dropout is applied. The result and every intermediate
   * belong to {@code idx}'s manager.
   */
  public NDArray forward(NDArray idx, boolean training) {
    NDManager m = idx.getManager();
    long b = idx.getShape().get(0);
    int t = Math.toIntExact(idx.getShape().get(1));
    if (t > config.seqLen()) {
      throw new IllegalArgumentException("sequence of " + t + " tokens is longer than seq_len=" + config.seqLen());
    }
    NDArray x = idx.getNDArrayInternal().embedding(idx, p("wte.weight"), SparseFormat.DENSE).singletonOrThrow();
    x = x.add(positions(m, t));                                          // [B, T, d]
    x = dropout(x, training);
    NDArray mask = causalMask(t);
    for (int i = 0; i < config.layers(); i++) {
      String h = "h." + i + ".";
      x = x.add(attention(layerNorm(x, h + "ln_1"), h, b, t, mask, training));
      x = x.add(mlp(layerNorm(x, h + "ln_2"), h, training));
    }
    x = layerNorm(x, "ln_f");
    return x.matMul(local(m, p("wte.weight").transpose()));   // tied head: [B, T, vocab]
  }

  /** Causal self-attention: each position attends to itself and the positions before it. */
  private NDArray attention(NDArray x, String h, long b, int t, NDArray mask, boolean training) {
    int heads = config.heads();
    int hd = config.headDim();
    int d = config.dModel();
    // [B, T, 3d] -> [3, B, H, T, hd] in one permute; q, k, v are views of it
    NDArray qkv = linear(x, h + "attn.c_attn").reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
    // 1/sqrt(hd) on q ([B, H, T, hd]) rather than on the scores ([B, H, T, T], T/hd times larger)
    NDArray q = qkv.get(0).mul(1.0 / Math.sqrt(hd));
    NDArray k = qkv.get(1).transpose(0, 1, 3, 2);                      // [B, H, hd, T]
    NDArray v = qkv.get(2);
    NDArray att = q.matMul(k);                                        // [B, H, T, T]
    att = att.addi(mask).softmax(-1);
    att = dropout(att, training);
    NDArray y = att.matMul(v);                                        // [B, H, T, hd]
    y = y.transpose(0, 2, 1, 3).reshape(b, t, d);
    return dropout(linear(y, h + "attn.c_proj"), training);
  }

  private NDArray mlp(NDArray x, String h, boolean training) {
    NDArray y = linear(x, h + "mlp.c_fc").getNDArrayInternal().gelu();
    return dropout(linear(y, h + "mlp.c_proj"), training);
  }

  /** {@code x @ W + b}, GPT-2 Conv1D layout. */
  private NDArray linear(NDArray x, String name) {
    NDArray y = x.matMul(p(name + ".weight"));
    return config.bias() ? y.addi(p(name + ".bias")) : y;
  }

  /** LayerNorm, eps 1e-5 as GPT-2 (on a GPU, fp16 LayerNorm accumulates in fp32 internally). */
  private NDArray layerNorm(NDArray x, String name) {
    NDArray beta = config.bias() ? p(name + ".bias") : zeros(config.dModel());
    return x.getNDArrayInternal().layerNorm(x, new Shape(config.dModel()), p(name + ".weight"), beta, 1e-5f)
        .singletonOrThrow();
  }

  /**
   * Inverted dropout from a uniform draw rather than DJL's dropout op: torch's CPU bernoulli
   * kernel (MKL) gave a different mask about once in 25 identically seeded runs here, which broke
   * bit-identical resume; the uniform generator is reproducible.
   */
  private NDArray dropout(NDArray x, boolean training) {
    if (!training || config.dropout() == 0) {
      return x;
    }
    NDManager m = x.getManager();
    NDArray keep = m.randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32, x.getDevice()).gte(config.dropout())
        .toType(x.getDataType(), false);
    return x.mul(keep).muli(1.0 / (1.0 - config.dropout()));
  }

  /** Learned: the first T rows of wpe. Sinusoidal: Vaswani et al.'s table, made once per T. */
  private NDArray positions(NDManager m, int t) {
    if ("learned".equals(config.positional())) {
      return local(m, p("wpe.weight").get(new NDIndex("0:" + t)));
    }
    return sinusoids.computeIfAbsent(t * 2 + (compute == DataType.FLOAT16 ? 1 : 0), key -> {
      int len = key / 2;
      int d = config.dModel();
      float[] table = new float[len * d];
      for (int pos = 0; pos < len; pos++) {
        for (int i = 0; i < d; i += 2) {
          double angle = pos / StrictMath.pow(10000.0, (double) i / d);
          table[pos * d + i] = (float) StrictMath.sin(angle);
          if (i + 1 < d) {
            table[pos * d + i + 1] = (float) StrictMath.cos(angle);
          }
        }
      }
      return manager.create(table, new Shape(len, d)).toType(compute, false);
    });
  }

  /** {@code [T, T]}: 0 on and below the diagonal, -inf above; built once per T (DJL has no tril). */
  private NDArray causalMask(int t) {
    return causalMasks.computeIfAbsent(t * 2 + (compute == DataType.FLOAT16 ? 1 : 0), key -> {
      int len = key / 2;
      float[] mask = new float[len * len];
      for (int i = 0; i < len; i++) {
        for (int j = i + 1; j < len; j++) {
          mask[i * len + j] = Float.NEGATIVE_INFINITY;
        }
      }
      return manager.create(mask, new Shape(len, len)).toType(compute, false);
    });
  }

  private final Map<Integer, NDArray> zeroVectors = new HashMap<>();

  private NDArray zeros(int d) {
    return zeroVectors.computeIfAbsent(d * 2 + (compute == DataType.FLOAT16 ? 1 : 0),
        key -> manager.zeros(new Shape(key / 2), compute));
  }

  /** A parameter as the forward pass uses it (fp32, or its fp16 copy). */
  private NDArray p(String name) {
    return computeParams.get(name);
  }

  /** Moves an array made from a parameter (a view or a copy) to the step's manager, so it is freed with it. */
  private static NDArray local(NDManager m, NDArray a) {
    a.attach(m);
    return a;
  }

  /**
   * Mean next-token cross-entropy (nats) of {@code targets} {@code [B, T]} given {@code idx}
   * {@code [B, T]}, both INT64. A scalar fp32 array in {@code idx}'s manager.
   */
  public NDArray loss(NDArray idx, NDArray targets, boolean training) {
    return tokenLogProbs(idx, targets, training).neg().mean();
  }

  /** The log-probability of each target token, {@code [B, T]} fp32. */
  public NDArray tokenLogProbs(NDArray idx, NDArray targets, boolean training) {
    NDArray logits = forward(idx, training);
    if (logits.getDataType() != DataType.FLOAT32) {
      logits = logits.add(fp32Zero); // differentiable upcast by type promotion (toType is not)
    }
    return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
  }

  /**
   * Scoring without autograd: per-token log-probs of {@code tokens[i][j+1]} given
   * {@code tokens[i][0..j]}, for rows of equal length (at most seq_len + 1). This is the entry
   * point evaluation uses; it makes and frees its own arrays.
   */
  public float[][] logProbs(int[][] tokens) {
    int rows = tokens.length;
    int len = tokens[0].length - 1;
    long[] in = new long[rows * len];
    long[] out = new long[rows * len];
    for (int r = 0; r < rows; r++) {
      if (tokens[r].length != len + 1) {
        throw new IllegalArgumentException("rows must have equal length: row 0 has " + (len + 1) + ", row " + r + " has " + tokens[r].length);
      }
      for (int j = 0; j < len; j++) {
        in[r * len + j] = tokens[r][j];
        out[r * len + j] = tokens[r][j + 1];
      }
    }
    boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    try (NDManager m = manager.newSubManager()) {
      NDArray lp = tokenLogProbs(m.create(in, new Shape(rows, len)), m.create(out, new Shape(rows, len)), false);
      float[] flat = lp.toFloatArray();
      float[][] result = new float[rows][len];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(flat, r * len, result[r], 0, len);
      }
      return result;
    } finally {
      ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
    }
  }

  /** Every parameter's values, by name (for checkpoints and export). One host copy per tensor. */
  public Map<String, float[]> values() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      out.put(e.getKey(), e.getValue().toFloatArray());
    }
    return out;
  }

  /** Marsaglia's polar method over the seeded stream (SplittableRandom has no nextGaussian on 17). */
  private static double gaussian(SplittableRandom rng) {
    double u;
    double v;
    double s;
    do {
      u = rng.nextDouble() * 2 - 1;
      v = rng.nextDouble() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * StrictMath.log(s) / s);
  }

  @Override
  public void close() {
    manager.close();
  }
}
