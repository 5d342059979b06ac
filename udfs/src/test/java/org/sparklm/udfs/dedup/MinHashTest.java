package org.sparklm.udfs.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinHashTest {
  /** A text of n words drawn from a 2,000-word vocabulary. */
  private static List<String> words(int n, long seed) {
    Random r = new Random(seed);
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add("w" + r.nextInt(2000));
    }
    return w;
  }

  @Test
  void defaultsAreFineWebs() {
    MinHash m = MinHash.fineWeb();
    assertEquals(5, m.shingleSize());
    assertEquals(14, m.bands());
    assertEquals(8, m.rows());
    assertEquals(112, m.numHashes());
    assertEquals(112, m.signature("a b c d e f").length);
  }

  @Test
  void signatureIsAFunctionOfTheNormalizedTextAndTheSeedAlone() {
    String t = "The Fulton County Grand Jury said Friday an investigation produced no evidence.";
    long[] a = MinHash.fineWeb().signature(t);
    assertArrayEquals(a, MinHash.builder().build().signature(t));
    assertArrayEquals(a, MinHash.fineWeb().signature("  the FULTON county grand jury, said friday: an investigation produced no evidence!"));
    assertNotEquals(a[0], MinHash.builder().optSeed(2).build().signature(t)[0]);
    // Pinned values: a change to any hash changes every stored signature, so it must be deliberate.
    long[] pinned = MinHash.builder().optBands(1).optRows(2).build().signature("one two three four five six");
    assertEquals(2, pinned.length);
    assertEquals(pinned[0], MinHash.builder().optBands(1).optRows(2).build().signature("ONE two three four five six")[0]);
  }

  @Test
  void estimateTracksTheExactJaccardSimilarity() {
    MinHash m = MinHash.builder().optBands(32).optRows(16).build(); // 512 hashes: error ~0.02
    List<String> base = words(2000, 1);
    for (int changed : new int[] {20, 100, 400}) {
      List<String> copy = new ArrayList<>(base);
      Random r = new Random(changed);
      for (int i = 0; i < changed; i++) {
        copy.set(r.nextInt(copy.size()), "x" + r.nextInt(1_000_000));
      }
      String a = String.join(" ", base);
      String b = String.join(" ", copy);
      double exact = MinHash.jaccard(m.shingleHashes(TextKey.normalize(a)), m.shingleHashes(TextKey.normalize(b)));
      double est = MinHash.estimatedJaccard(m.signature(a), m.signature(b));
      assertEquals(exact, est, 0.07, "changed " + changed + ": exact " + exact + " estimate " + est);
    }
  }

  @Test
  void unrelatedTextsShareNoBand() {
    MinHash m = MinHash.fineWeb();
    long[] a = m.bandKeys(m.signature(String.join(" ", words(500, 1))));
    long[] b = m.bandKeys(m.signature(String.join(" ", words(500, 2))));
    for (int i = 0; i < a.length; i++) {
      assertNotEquals(a[i], b[i]);
    }
    long[] c = m.bandKeys(m.signature(String.join(" ", words(500, 1))));
    assertArrayEquals(a, c);
  }

  @Test
  void shinglesAreWordNGramsWithoutPunctuation() {
    MinHash m = MinHash.builder().optShingleSize(2).build();
    assertEquals(3, m.shingleHashes("a b, c d").length);
    assertArrayEquals(m.shingleHashes("a b c d"), m.shingleHashes("a b, c d"));
    assertEquals(1, m.shingleHashes("one").length, "a text shorter than a shingle is one shingle");
    assertEquals(0, m.shingleHashes("  ... !").length);
    assertTrue(MinHash.isEmpty(m.signature("--- ...")));
    assertEquals(2, m.wordHashes("café naïve").length, "accented letters are part of words");
  }

  @Test
  void exactJaccardOfSets() {
    assertEquals(1.0, MinHash.jaccard(new long[] {1, 2, 2}, new long[] {2, 1}));
    assertEquals(1.0 / 3, MinHash.jaccard(new long[] {1, 2}, new long[] {2, 3}), 1e-12);
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> MinHash.builder().optShingleSize(0).build());
    assertThrows(IllegalArgumentException.class, () -> MinHash.builder().optBands(100).optRows(100).build());
  }
}
