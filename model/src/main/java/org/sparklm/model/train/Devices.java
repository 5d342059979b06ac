package org.sparklm.model.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

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
}
