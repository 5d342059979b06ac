package org.sparklm.jobs.dedup.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Planted duplicates with a known ground truth, for the dedup benchmark and tests: a near copy
 * of a text with a given fraction of its words replaced, and an exact copy that differs only in
 * what normalization removes (case, width, whitespace).
 */
public final class PlantedCorpus {
  private PlantedCorpus() {}

  /**
   * {@code text} with {@code round(rate * words)} of its words (at least one) replaced by other
   * words drawn from {@code vocabulary}, at distinct positions chosen by {@code rnd}; words stay
   * separated by single spaces.
   */
  public static String nearCopy(String text, double rate, Random rnd, List<String> vocabulary) {
    String[] words = text.trim().split("\\s+");
    int edits = Math.max(1, (int) Math.round(rate * words.length));
    edits = Math.min(edits, words.length);
    int[] positions = new int[words.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    for (int i = 0; i < edits; i++) { // partial Fisher-Yates: the first `edits` are a uniform sample
      int j = i + rnd.nextInt(positions.length - i);
      int t = positions[i];
      positions[i] = positions[j];
      positions[j] = t;
    }
    for (int i = 0; i < edits; i++) {
      int p = positions[i];
      String w;
      do {
        w = vocabulary.get(rnd.nextInt(vocabulary.size()));
      } while (w.equalsIgnoreCase(words[p]) && vocabulary.size() > 1);
      words[p] = w;
    }
    return String.join(" ", words);
  }

  /** The same text as normalization sees it, written differently: upper case, doubled spaces, CRLF line ends. */
  public static String exactCopy(String text) {
    return "  " + text.toUpperCase(java.util.Locale.ROOT).replace(" ", "  ").replace("\n", "\r\n") + "\n";
  }

  /** The distinct whitespace-separated words of {@code texts}, sorted (a vocabulary for {@link #nearCopy}). */
  public static List<String> vocabulary(Iterable<String> texts) {
    java.util.TreeSet<String> v = new java.util.TreeSet<>();
    for (String t : texts) {
      v.addAll(Arrays.asList(t.trim().split("\\s+")));
    }
    v.remove("");
    return List.copyOf(v);
  }
}
