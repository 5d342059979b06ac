package org.sparklm.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongTableTest {
  @Test
  void countsLikeAHashMapThroughGrowth() {
    LongTable t = new LongTable(1); // starts at 16 slots: grows many times below
    Map<Long, Integer> expected = new HashMap<>();
    Random r = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      long k = r.nextInt(5_000) * 0x9E3779B97F4A7C15L; // spread keys, including 0
      int got = t.add(k, i);
      assertEquals(expected.merge(k, 1, Integer::sum), got, "count after adding key " + k);
    }
  }

  @Test
  void mostFrequentTakesTheEarliestOnTies() {
    LongTable t = new LongTable(8);
    t.add(30, 0);
    t.add(20, 1);
    t.add(20, 2);
    t.add(30, 3); // 30 and 20 both twice: 30 was first seen first
    t.add(10, 4);
    long top = t.mostFrequent();
    assertEquals(2, top >>> 32);
    assertEquals(0, (int) top);
    t.add(20, 5);
    top = t.mostFrequent();
    assertEquals(3, top >>> 32);
    assertEquals(1, (int) top);
    assertEquals(0, new LongTable(4).mostFrequent());
  }
}
