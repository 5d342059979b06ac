package org.sparklm.model.train;

import java.io.IOException;
import java.nio.FloatBuffer;

/**
 * The data-parallel hook of {@link Trainer}: every worker calls it once per optimizer step with
 * the same-sized flat buffer (all gradients in layout order, then the step's mean loss), and it
 * must replace the contents with the mean over all workers (an all-reduce).
 */
@FunctionalInterface
public interface GradientSync {
  void allReduceMean(FloatBuffer buffer) throws IOException;
}
