package org.sparklm.model.optim;

/**
 * nanoGPT's learning-rate schedule: linear warmup from 0 to {@code maxLr} over
 * {@code warmupSteps}, then cosine decay to {@code minLr} at {@code decaySteps}, then flat at the
 * floor. A pure function of the step, so a resumed run continues exactly where it stopped.
 * StrictMath, not Math: Math.cos may differ by an ulp between the interpreter and JIT-compiled
 * code (measured: the first run in a JVM drifted from later ones), which breaks bit-identical resume.
 */
public record LrSchedule(double maxLr, double minLr, long warmupSteps, long decaySteps) {
  public LrSchedule {
    if (!(maxLr > 0) || minLr < 0 || minLr > maxLr || warmupSteps < 0 || decaySteps < warmupSteps) {
      throw new IllegalArgumentException("bad schedule: lr " + maxLr + " -> " + minLr + ", warmup " + warmupSteps + ", decay " + decaySteps);
    }
  }

  /** The learning rate of optimizer step {@code step} (0-based). */
  public double lr(long step) {
    if (step < warmupSteps) {
      return maxLr * (step + 1) / warmupSteps;
    }
    if (step >= decaySteps) {
      return minLr;
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, decaySteps - warmupSteps);
    return minLr + 0.5 * (1 + StrictMath.cos(Math.PI * progress)) * (maxLr - minLr);
  }
}
