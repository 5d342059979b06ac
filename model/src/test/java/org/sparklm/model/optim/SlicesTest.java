package org.sparklm.model.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlicesTest {
  /** Slices cover every value once, in order, with inner bounds on 16-float lines. */
  @Test
  void slicesCoverTheBufferWithAlignedInnerBounds() {
    for (long size : new long[] {1, 15, 16, 17, 1000, 839_936, 124_439_808L}) {
      for (int wanted = 1; wanted <= 5; wanted++) {
        int n = Slices.count(size, wanted);
        assertTrue(n >= 1 && n <= wanted, size + "/" + wanted);
        assertEquals(0, Slices.from(size, n, 0));
        assertEquals(size, Slices.from(size, n, n));
        for (int i = 1; i < n; i++) {
          long at = Slices.from(size, n, i);
          assertEquals(0, at % 16, "inner bound " + at);
          assertTrue(at > Slices.from(size, n, i - 1), "slice " + (i - 1) + " of " + size + " is empty");
        }
      }
    }
    assertEquals(1, Slices.count(15, 4), "fewer than 16 values: one slice");
    assertEquals(48, Slices.from(100, 2, 1), "the middle of 100 values rounded down to a line");
  }
}
