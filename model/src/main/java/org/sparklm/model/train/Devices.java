package org.sparklm.model.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Device selection for {@code --device}: {@code auto} takes the first GPU libtorch can see, else
 * the CPU. Which libtorch is loaded decides what is visible: with only the
 * {@code pytorch-native-cpu} jar on the classpath there is no GPU even on a GPU host (see
 * docs/training.md for PYTORCH_FLAVOR / PYTORCH_LIBRARY_PATH).
 */
public final class Devices {
  private Devices() {}

  public static Device select(String name) {
    int gpus = Engine.getInstance().getGpuCount();
    if (name == null || name.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    if (name.startsWith("gpu")) {
      int id = name.length() == 3 ? 0 : Integer.parseInt(name.substring(3));
      if (id >= gpus) {
        throw new IllegalArgumentException("device " + name + " asked for, but libtorch sees " + gpus + " GPU(s)"
            + (gpus == 0 ? " (only the CPU build of libtorch is on the classpath? set PYTORCH_FLAVOR, e.g. cu128)" : ""));
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException("unknown device '" + name + "': use auto, cpu, gpu or gpuN");
  }

  /** FLOP/s of an N×N×N matmul on the device (best of a few timed rounds after a warm-up). */
  public static double matmulPeak(Device device, int n, boolean fp16) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      if (fp16) {
        a = a.toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
        b = b.toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
      }
      double best = 0;
      for (int round = 0; round < 6; round++) {
        int reps = device.isGpu() ? 50 : 3;
        long t0 = System.nanoTime();
        NDArray c = null;
        for (int r = 0; r < reps; r++) {
          if (c != null) {
            c.close();
          }
          c = a.matMul(b);
        }
        c.sum().toFloatArray(); // waits for the device
        double secs = (System.nanoTime() - t0) / 1e9;
        c.close();
        if (round > 0) {
          best = Math.max(best, 2.0 * n * n * (double) n * reps / secs);
        }
      }
      return best;
    }
  }

}
