package org.sparklm.model.train;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * glibc {@code malloc} settings for libtorch on the CPU, applied once per JVM before training.
 *
 * <p>Why: every training step allocates and frees the same activation and gradient buffers
 * (hundreds of KB to a few MB each). With glibc's defaults a freed block above the mmap
 * threshold goes back to the kernel with {@code munmap}, and free memory at the top of the heap is
 * trimmed, so the next step page-faults and zero-fills the same memory again: {@code perf} on
 * TrainBench (the prototype's shape, 2 threads) found ~15% of the trainer's CPU time in the kernel
 * doing exactly that, 580k page faults in 60 steps. PyTorch's CPU tuning guide answers this with
 * jemalloc or tcmalloc through {@code LD_PRELOAD}; the same effect from inside the JVM needs no
 * preload on Spark executors: keep blocks up to 32 MiB (glibc's maximum) in the heap and do not
 * trim it below 1 GiB of free top. Page faults fell 6.5× and the kernel's share to ~3%.
 *
 * <p>Not applied when any {@code MALLOC_*} variable is set (the user chose) or off glibc/Linux;
 * {@code -Dsparklm.malloc.tune=false} turns it off.
 */
public final class NativeHeap {
  /** glibc's mallopt parameter numbers (malloc.h). */
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;

  static final int MMAP_THRESHOLD = 32 << 20;
  static final int TRIM_THRESHOLD = 1 << 30;
  static final int TOP_PAD = 64 << 20;

  private static Boolean applied;

  private NativeHeap() {}

  /** Applies the settings once; true when they are in effect (now or from an earlier call). */
  public static synchronized boolean tune() {
    if (applied == null) {
      applied = apply();
    }
    return applied;
  }

  private static boolean apply() {
    if (!Boolean.parseBoolean(System.getProperty("sparklm.malloc.tune", "true")) || !Platform.isLinux()
        || System.getenv().keySet().stream().anyMatch(k -> k.startsWith("MALLOC_"))) {
      return false;
    }
    try {
      Function mallopt = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
      // mallopt returns 1 on success, 0 on error
      return mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
          && mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1
          && mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false; // not glibc (musl, ...): keep its defaults
    }
  }
}
