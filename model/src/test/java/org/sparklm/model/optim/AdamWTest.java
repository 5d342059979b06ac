package org.sparklm.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;

class AdamWTest {
  private static final GptConfig CONFIG = new GptConfig(32, 8, 16, 2, 2, 4, 0.0, "learned", true, true);
  private static final double LR = 3e-3;
  private static final double WD = 0.1;
  private static final double B1 = 0.9;
  private static final double B2 = 0.95;
  private static final double EPS = 1e-8;

  /** The flat update equals torch.optim.AdamW's formulas, written out per element in double precision. */
  @Test
  void flatUpdateMatchesAdamWPerElementAndDecaysOnlyMatrices() {
    try (Gpt model = Gpt.create(CONFIG, Device.cpu(), 3); NDManager scope = model.manager().newSubManager()) {
      Map<String, double[]> p = new LinkedHashMap<>();
      Map<String, double[]> m = new LinkedHashMap<>();
      Map<String, double[]> v = new LinkedHashMap<>();
      model.flatOrder().forEach((name, a) -> {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        p.put(name, d);
        m.put(name, new double[f.length]);
        v.put(name, new double[f.length]);
      });
      AdamW opt = new AdamW(model, B1, B2, EPS, WD);
      SplittableRandom rng = new SplittableRandom(7);
      int n = Math.toIntExact(model.flatParameters().size());
      for (int t = 1; t <= 3; t++) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
          g[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        double scale = 0.5;
        opt.update(scope.create(g), LR, scale, scope);
        double bc1 = 1 - Math.pow(B1, t);
        double bc2 = 1 - Math.pow(B2, t);
        int off = 0;
        for (Map.Entry<String, NDArray> e : model.flatOrder().entrySet()) {
          double[] pp = p.get(e.getKey());
          double[] mm = m.get(e.getKey());
          double[] vv = v.get(e.getKey());
          boolean decays = e.getValue().getShape().dimension() >= 2;
          for (int i = 0; i < pp.length; i++) {
            double gi = g[off + i] * scale;
            if (decays) {
              pp[i] *= 1 - LR * WD;
            }
            mm[i] = B1 * mm[i] + (1 - B1) * gi;
            vv[i] = B2 * vv[i] + (1 - B2) * gi * gi;
            pp[i] -= LR * (mm[i] / bc1) / (Math.sqrt(vv[i] / bc2) + EPS);
          }
          off += pp.length;
        }
      }
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        assertClose(p.get(e.getKey()), e.getValue().toFloatArray(), e.getKey() + " (the model's own parameter view)");
        assertClose(m.get(e.getKey()), opt.firstMoments().get(e.getKey()).toFloatArray(), e.getKey() + " m");
        assertClose(v.get(e.getKey()), opt.secondMoments().get(e.getKey()).toFloatArray(), e.getKey() + " v");
      }
      assertTrue(model.decayedSize() > 0 && model.decayedSize() < model.flatParameters().size());
    }
  }

  /** Saved moments loaded into a fresh optimizer give the same next update, bit for bit. */
  @Test
  void loadedStateContinuesExactly() {
    try (Gpt a = Gpt.create(CONFIG, Device.cpu(), 5); Gpt b = Gpt.create(CONFIG, Device.cpu(), 5);
         NDManager scope = a.manager().newSubManager()) {
      AdamW oa = new AdamW(a, B1, B2, EPS, WD);
      int n = Math.toIntExact(a.flatParameters().size());
      float[] g1 = new float[n];
      float[] g2 = new float[n];
      for (int i = 0; i < n; i++) {
        g1[i] = (float) Math.sin(i);
        g2[i] = (float) Math.cos(3 * i);
      }
      oa.update(scope.create(g1), LR, 1.0, scope);
      Map<String, float[]> ms = new LinkedHashMap<>();
      Map<String, float[]> vs = new LinkedHashMap<>();
      oa.firstMoments().forEach((k, x) -> ms.put(k, x.toFloatArray()));
      oa.secondMoments().forEach((k, x) -> vs.put(k, x.toFloatArray()));
      Gpt restored = Gpt.fromValues(CONFIG, Device.cpu(), a.values());
      AdamW ob = new AdamW(restored, B1, B2, EPS, WD);
      ob.load(ms, vs, oa.step());
      oa.update(scope.create(g2), LR, 1.0, scope);
      ob.update(scope.create(g2), LR, 1.0, scope);
      assertArrayEquals(a.flatParameters().toFloatArray(), restored.flatParameters().toFloatArray());
      assertEquals(2, ob.step());
      restored.close();
      assertTrue(b.flatParameters().size() == n);
    }
  }

  /**
   * The update split into slices run on threads at once gives the same bits as the one-slice
   * update: parameters and both moments, over steps with clipping and decay (a slice boundary
   * falls inside the decayed matrices).
   */
  @Test
  void slicedUpdateOnThreadsIsBitIdenticalToOneSlice() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Gpt a = Gpt.create(CONFIG, Device.cpu(), 9); Gpt b = Gpt.create(CONFIG, Device.cpu(), 9);
         NDManager scope = a.manager().newSubManager()) {
      AdamW whole = new AdamW(a, B1, B2, EPS, WD);
      AdamW sliced = new AdamW(b, B1, B2, EPS, WD);
      AdamW.Parallel threads = (n, task) -> {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int slice = i;
          running.add(pool.submit(() -> task.accept(slice)));
        }
        for (Future<?> f : running) {
          try {
            f.get();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }
      };
      int n = Math.toIntExact(a.flatParameters().size());
      float[] initial = b.flatParameters().toFloatArray();
      assertTrue(b.decayedSize() > n / 3 && b.decayedSize() < n, "a slice boundary inside the decayed part");
      SplittableRandom rng = new SplittableRandom(11);
      for (int t = 0; t < 3; t++) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
          g[i] = (float) rng.nextGaussian();
        }
        whole.update(scope.create(g), LR, 0.37, scope);
        sliced.update(scope.create(g), LR, 0.37, scope, 3, threads);
      }
      assertArrayEquals(a.flatParameters().toFloatArray(), b.flatParameters().toFloatArray());
      for (String name : a.flatOrder().keySet()) {
        assertArrayEquals(whole.firstMoments().get(name).toFloatArray(), sliced.firstMoments().get(name).toFloatArray(), name);
        assertArrayEquals(whole.secondMoments().get(name).toFloatArray(), sliced.secondMoments().get(name).toFloatArray(), name);
      }
      assertFalse(Arrays.equals(initial, b.flatParameters().toFloatArray()), "the updates moved the parameters");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertClose(double[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      double tol = 1e-6 + 1e-5 * Math.abs(want[i]);
      if (Math.abs(want[i] - got[i]) > tol) {
        throw new AssertionError(what + "[" + i + "]: expected " + want[i] + ", got " + got[i]);
      }
    }
  }
}
