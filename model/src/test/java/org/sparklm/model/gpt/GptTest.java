package org.sparklm.model.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GptTest {
  @Test
  void learnedLayoutIsGpt2s() {
    Map<String, Shape> l = Gpt.layout(GptConfig.GPT2_124M);
    assertEquals(new Shape(50257, 768), l.get("wte.weight"));
    assertEquals(new Shape(1024, 768), l.get("wpe.weight"));
    assertEquals(new Shape(768, 2304), l.get("h.0.attn.c_attn.weight"));
    assertEquals(new Shape(3072, 768), l.get("h.11.mlp.c_proj.weight"));
    assertEquals(new Shape(768), l.get("ln_f.bias"));
    assertEquals(2 + 12 * 12 + 2, l.size()); // GPT-2's state dict minus the attn.bias mask buffers
    long total = l.values().stream().mapToLong(Shape::size).sum();
    assertEquals(GptConfig.GPT2_124M.parameterCount(), total);
  }

  @Test
  void initialLossIsUniformAndInitFollowsGpt2() {
    try (Gpt gpt = Gpt.create(GptConfig.TINY, Device.cpu(), 1)) {
      float[] cproj = gpt.parameters().get("h.0.mlp.c_proj.weight").toFloatArray();
      double std = std(cproj);
      assertEquals(0.02 / Math.sqrt(4), std, 0.0005); // 1/sqrt(2 * layers)
      assertEquals(0.02, std(gpt.parameters().get("h.1.attn.c_attn.weight").toFloatArray()), 0.0005);
      int[][] rows = new int[2][65];
      for (int i = 0; i < 65; i++) {
        rows[0][i] = (i * 7) % 256;
        rows[1][i] = (i * 13 + 5) % 256;
      }
      float[][] lp = gpt.logProbs(rows);
      double mean = 0;
      for (float[] r : lp) {
        for (float v : r) {
          mean += v / 128.0;
        }
      }
      assertEquals(-Math.log(256), mean, 0.1); // small random init: near-uniform predictions
    }
  }

  @Test
  void attentionIsCausal() {
    // changing a later token must not change the log-probs of earlier positions
    try (Gpt gpt = Gpt.create(GptConfig.TINY.withPositional("sinusoidal"), Device.cpu(), 2)) {
      int[][] a = {{1, 2, 3, 4, 5, 6, 7, 8, 9}};
      int[][] b = {{1, 2, 3, 4, 5, 99, 7, 8, 9}};
      float[] la = gpt.logProbs(a)[0];
      float[] lb = gpt.logProbs(b)[0];
      for (int j = 0; j < 4; j++) {
        assertEquals(la[j], lb[j], 1e-6, "position " + j);
      }
      assertTrue(Math.abs(la[5] - lb[5]) > 1e-6, "the changed token's own target position moves");
    }
  }

  @Test
  void forwardShapeAndFreedWithItsManager() {
    try (Gpt gpt = Gpt.create(GptConfig.TINY, Device.cpu(), 3)) {
      int before = gpt.manager().getManagedArrays().size();
      try (NDManager m = gpt.manager().newSubManager()) {
        NDArray idx = m.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
        NDArray logits = gpt.forward(idx, false);
        assertArrayEquals(new long[] {2, 3, 256}, logits.getShape().getShape());
      }
      assertEquals(before + 1, gpt.manager().getManagedArrays().size(), "only the cached causal mask stays");
    }
  }

  /**
   * The fp16 mixed-precision path (meant for GPUs) run on the CPU: log-probs close to fp32's,
   * gradients on the fp16 copies, fp32 masters untouched until synced.
   */
  @Test
  void fp16ComputeKeepsFp32MasterWeightsAndGradients() {
    try (Gpt gpt = Gpt.create(GptConfig.TINY, Device.cpu(), 4);
         NDManager m = gpt.manager().newSubManager()) {
      NDArray idx = m.create(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
      NDArray targets = m.create(new long[] {2, 3, 4, 5, 6, 7, 8, 9}, new Shape(2, 4));
      float[] fp32 = gpt.tokenLogProbs(idx, targets, false).toFloatArray();
      gpt.setComputeType(ai.djl.ndarray.types.DataType.FLOAT16);
      float[] fp16 = gpt.tokenLogProbs(idx, targets, false).toFloatArray();
      assertArrayEquals(fp32, fp16, 2e-2f);
      try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        gc.backward(gpt.loss(idx, targets, true));
      }
      assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, gpt.parameters().get("h.0.attn.c_attn.weight").getDataType());
      NDArray half = gpt.trainable().get("h.0.attn.c_attn.weight");
      assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, half.getDataType());
      NDArray g = half.getGradient();
      g.attach(m);
      assertTrue(g.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).abs().sum().getFloat() > 0,
          "the gradient flowed back through the fp32 loss into the fp16 weights");
      NDArray wte = gpt.trainable().get("wte.weight").getGradient();
      wte.attach(m);
      assertTrue(wte.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).abs().sum().getFloat() > 0, "and into the embedding");
      // masters change, then the copies follow
      float[] master = gpt.parameters().get("ln_f.weight").toFloatArray();
      master[0] = 2.5f;
      gpt.parameters().get("ln_f.weight").set(master);
      gpt.syncComputeCopies(m);
      assertEquals(2.5f, gpt.trainable().get("ln_f.weight").toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()[0]);
    }
  }

  private static double std(float[] v) {
    double s = 0;
    double s2 = 0;
    for (float x : v) {
      s += x;
      s2 += x * x;
    }
    double mean = s / v.length;
    return Math.sqrt(s2 / v.length - mean * mean);
  }
}
