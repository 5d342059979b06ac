package org.sparklm.model.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowPolicyTest {
  /** Every target 1..n-1 is kept by exactly one window, and no row exceeds the context. */
  @Test
  void everyTokenIsScoredExactlyOnce() {
    for (WindowPolicy p : List.of(WindowPolicy.DISJOINT, WindowPolicy.strided(1), WindowPolicy.strided(3),
        WindowPolicy.strided(8))) {
      for (int context : new int[] {8, 9}) {
        for (int n = 0; n < 60; n++) {
          int[] seen = new int[n];
          for (WindowPolicy.Window w : p.plan(n, context)) {
            assertTrue(w.rowLength() <= context + 1 && w.rowLength() >= 2, p + " " + w);
            assertTrue(w.firstTarget() > w.start() && w.firstTarget() < w.end(), p + " " + w);
            for (int t = w.firstTarget(); t < w.end(); t++) {
              seen[t]++;
            }
          }
          for (int t = 1; t < n; t++) {
            assertEquals(1, seen[t], p.label() + " n=" + n + " context=" + context + " target " + t);
          }
        }
      }
    }
  }

  @Test
  void disjointWindowsUseTheFullContextAndOneForwardPassPerContext() {
    List<WindowPolicy.Window> w = WindowPolicy.DISJOINT.plan(20, 8);
    // targets 1..8, 9..16, 17..19 (the last predicted from the 8 ids before its last target)
    assertEquals(List.of(new WindowPolicy.Window(0, 9, 1), new WindowPolicy.Window(8, 17, 9),
        new WindowPolicy.Window(11, 20, 17)), w);
  }

  @Test
  void stridedWindowsAdvanceByTheStride() {
    List<WindowPolicy.Window> w = WindowPolicy.strided(4).plan(16, 8);
    assertEquals(List.of(new WindowPolicy.Window(0, 9, 1), new WindowPolicy.Window(4, 13, 9),
        new WindowPolicy.Window(8, 16, 13)), w);
    assertEquals("strided-4", WindowPolicy.strided(4).label());
    assertEquals(WindowPolicy.strided(4), WindowPolicy.of("strided", 0, 8), "stride 0 means half the context");
  }

  @Test
  void aStrideLongerThanTheContextIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WindowPolicy.strided(9).plan(30, 8));
    assertTrue(e.getMessage().contains("use stride <= 8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new WindowPolicy("sliding", 2));
  }
}
