package org.sparklm.udfs.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparklm.model.config.Check;

/**
 * Gopher's repetition rules (Rae et al. 2021, table A1) with the semantics and rule names of
 * datatrove's {@code GopherRepetitionFilter}: duplicate paragraphs and lines (by count and by
 * characters), the most frequent 2/3/4-gram's share of characters, and the share of characters in
 * duplicated 5..10-grams. All character fractions are over the whole text's length.
 *
 * <p>n-grams are compared as sequences of word ids with a 64-bit rolling hash instead of joined
 * strings (datatrove's way), which avoids building ~6 strings per word; a false match needs a
 * 64-bit collision among one document's n-grams.
 */
public final class GopherRepetition {
  private GopherRepetition() {}

  /** The thresholds; defaults are the published values (Gopher table A1). */
  public record Settings(
      @JsonPropertyDescription("Apply the Gopher repetition rules")
      boolean enabled,
      @JsonPropertyDescription("Largest fraction of lines that repeat an earlier line -> gopher_dup_line_frac")
      double dupLineFrac,
      @JsonPropertyDescription("Largest fraction of paragraphs that repeat an earlier one -> gopher_dup_para_frac")
      double dupParaFrac,
      @JsonPropertyDescription("Largest fraction of characters in repeated lines -> gopher_dup_line_char_frac")
      double dupLineCharFrac,
      @JsonPropertyDescription("Largest fraction of characters in repeated paragraphs -> gopher_dup_para_char_frac")
      double dupParaCharFrac,
      @JsonPropertyDescription("Largest character fraction of the most frequent 2-, 3- and 4-gram -> gopher_top_N_gram")
      List<Double> topNGramFracs,
      @JsonPropertyDescription("Largest character fraction in duplicated 5-, 6-, ..., 10-grams -> gopher_duplicated_N_n_grams")
      List<Double> dupNGramFracs) implements java.io.Serializable {

    public static final Settings DEFAULTS = new Settings(true, 0.30, 0.30, 0.20, 0.20,
        List.of(0.20, 0.18, 0.16), List.of(0.15, 0.14, 0.13, 0.12, 0.11, 0.10));

    public Settings {
      Check.between("dup_line_frac", dupLineFrac, 0, 1);
      Check.between("dup_para_frac", dupParaFrac, 0, 1);
      Check.between("dup_line_char_frac", dupLineCharFrac, 0, 1);
      Check.between("dup_para_char_frac", dupParaCharFrac, 0, 1);
      topNGramFracs = Check.list(topNGramFracs);
      dupNGramFracs = Check.list(dupNGramFracs);
      if (topNGramFracs.size() != 3) {
        throw new org.sparklm.model.config.InvalidValueException("top_n_gram_fracs", "must hold 3 fractions (for 2-, 3- and 4-grams)");
      }
      if (dupNGramFracs.size() != 6) {
        throw new org.sparklm.model.config.InvalidValueException("dup_n_gram_fracs", "must hold 6 fractions (for 5- to 10-grams)");
      }
    }
  }

  /** The first rule {@code text} fails, or null when it passes them all. */
  public static Verdict check(String text, Settings s) {
    return check(text, Words.split(text), s);
  }

  public static Verdict check(String text, List<String> words, Settings s) {
    int len = text.length();
    if (len == 0) {
      return null;
    }
    // paragraphs: the stripped text split on runs of 2+ newlines
    List<String> paragraphs = splitOnNewlineRuns(text.strip(), 2);
    long[] pd = duplicates(paragraphs);
    double f = (double) pd[0] / paragraphs.size();
    if (f > s.dupParaFrac()) {
      return new Verdict("gopher_dup_para_frac", f);
    }
    f = (double) pd[1] / len;
    if (f > s.dupParaCharFrac()) {
      return new Verdict("gopher_dup_para_char_frac", f);
    }
    // lines: the text split on runs of 1+ newlines (not stripped, as datatrove)
    List<String> lines = splitOnNewlineRuns(text, 1);
    long[] ld = duplicates(lines);
    f = (double) ld[0] / lines.size();
    if (f > s.dupLineFrac()) {
      return new Verdict("gopher_dup_line_frac", f);
    }
    f = (double) ld[1] / len;
    if (f > s.dupLineCharFrac()) {
      return new Verdict("gopher_dup_line_char_frac", f);
    }
    int n = words.size();
    int[] ids = new int[n];
    int[] lens = new int[n];
    Map<String, Integer> vocab = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String w = words.get(i);
      ids[i] = vocab.computeIfAbsent(w, k -> vocab.size());
      lens[i] = w.codePointCount(0, w.length());
    }
    for (int k = 0; k < 3; k++) {
      int gram = k + 2;
      if (n < gram) {
        continue;
      }
      f = (double) topGramChars(ids, lens, gram) / len;
      if (f > s.topNGramFracs().get(k)) {
        return new Verdict("gopher_top_" + gram + "_gram", f);
      }
    }
    for (int k = 0; k < 6; k++) {
      int gram = k + 5;
      f = (double) duplicatedGramChars(ids, lens, gram) / len;
      if (f > s.dupNGramFracs().get(k)) {
        return new Verdict("gopher_duplicated_" + gram + "_n_grams", f);
      }
    }
    return null;
  }

  /** datatrove's {@code find_duplicates}: how many elements repeat an earlier one, and their characters. */
  static long[] duplicates(List<String> xs) {
    Set<String> seen = new HashSet<>();
    long count = 0;
    long chars = 0;
    for (String x : xs) {
      if (!seen.add(x)) {
        count++;
        chars += x.codePointCount(0, x.length());
      }
    }
    return new long[] {count, chars};
  }

  /** {@code re.split("\n{min,}", s)}. */
  static List<String> splitOnNewlineRuns(String s, int min) {
    List<String> out = new java.util.ArrayList<>();
    int start = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      if (s.charAt(i) == '\n') {
        int j = i;
        while (j < n && s.charAt(j) == '\n') {
          j++;
        }
        if (j - i >= min) {
          out.add(s.substring(start, i));
          start = j;
        }
        i = j;
      } else {
        i++;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  private static long gramHash(int[] ids, int from, int n) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = from; i < from + n; i++) {
      h = (h ^ ids[i]) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    return h;
  }

  /**
   * datatrove's {@code find_top_duplicate} over {@code " ".join} n-grams: the characters of the most
   * frequent n-gram times its count (the first such n-gram on ties, as {@code Counter.most_common}).
   */
  static long topGramChars(int[] ids, int[] lens, int n) {
    if (ids.length < n) {
      return 0;
    }
    LongTable counts = new LongTable(ids.length - n + 1);
    for (int i = 0; i + n <= ids.length; i++) {
      counts.add(gramHash(ids, i, n), i);
    }
    long top = counts.mostFrequent();
    int bestCount = (int) (top >>> 32);
    int bestFirst = (int) top;
    long chars = n - 1;
    for (int i = bestFirst; i < bestFirst + n; i++) {
      chars += lens[i];
    }
    return chars * bestCount;
  }

  /**
   * datatrove's {@code find_all_duplicate}: walking the words, an n-gram seen before adds its
   * characters ({@code "".join}, no spaces) and jumps past itself; a new one moves on by one word.
   */
  static long duplicatedGramChars(int[] ids, int[] lens, int n) {
    LongTable seen = new LongTable(Math.max(1, ids.length - n + 1));
    long repeated = 0;
    int i = 0;
    while (i < ids.length - n + 1) {
      if (seen.add(gramHash(ids, i, n), i) > 1) {
        for (int k = i; k < i + n; k++) {
          repeated += lens[k];
        }
        i += n;
      } else {
        i++;
      }
    }
    return repeated;
  }

  /** The {@code sparklm_gopher_repetition(text)} SQL function: the failing rule's name, or null if kept. */
  public static String rule(String text) {
    if (text == null) {
      return null;
    }
    Verdict v = check(text, Settings.DEFAULTS);
    return v == null ? null : v.rule();
  }
}
