package org.sparklm.udfs.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Set;
import org.sparklm.model.config.Check;

/**
 * Gopher's document quality rules (Rae et al. 2021, "Scaling Language Models", appendix A.1.1),
 * with the semantics and rule names of datatrove's {@code GopherQualityFilter}: the first failing
 * rule, in datatrove's order, is the verdict.
 */
public final class GopherQuality {
  private GopherQuality() {}

  /** The thresholds; defaults are the published values. */
  public record Settings(
      @JsonPropertyDescription("Apply the Gopher quality rules")
      boolean enabled,
      @JsonPropertyDescription("Fewest words (punctuation-only tokens not counted); fewer -> gopher_short_doc")
      long minDocWords,
      @JsonPropertyDescription("Most words; more -> gopher_long_doc")
      long maxDocWords,
      @JsonPropertyDescription("Smallest mean word length in characters -> gopher_below_avg_threshold")
      double minAvgWordLength,
      @JsonPropertyDescription("Largest mean word length in characters -> gopher_above_avg_threshold")
      double maxAvgWordLength,
      @JsonPropertyDescription("Largest count of '#' (or of ellipses) per word -> gopher_too_many_hashes / gopher_too_many_ellipsis")
      double maxSymbolWordRatio,
      @JsonPropertyDescription("Largest fraction of lines starting with a bullet ('•' or '-') -> gopher_too_many_bullets")
      double maxBulletLinesRatio,
      @JsonPropertyDescription("Largest fraction of lines ending with an ellipsis -> gopher_too_many_end_ellipsis")
      double maxEllipsisLinesRatio,
      @JsonPropertyDescription("Smallest fraction of words holding a letter (datatrove's name: max_non_alpha_words_ratio) -> gopher_below_alpha_threshold")
      double minAlphaWordsRatio,
      @JsonPropertyDescription("Fewest stop words from stop_words -> gopher_enough_stop_words")
      long minStopWords,
      @JsonPropertyDescription("The stop words counted (case-sensitive, as datatrove)")
      List<String> stopWords) implements java.io.Serializable {

    public static final Settings DEFAULTS = new Settings(true, 50, 100_000, 3, 10, 0.1, 0.9, 0.3, 0.8, 2,
        List.of("the", "be", "to", "of", "and", "that", "have", "with"));

    public Settings {
      Check.atLeast("min_doc_words", minDocWords, 0);
      Check.atLeast("max_doc_words", maxDocWords, minDocWords);
      Check.between("min_avg_word_length", minAvgWordLength, 0, 1000);
      Check.between("max_avg_word_length", maxAvgWordLength, minAvgWordLength, 1000);
      Check.between("max_symbol_word_ratio", maxSymbolWordRatio, 0, 1000);
      Check.between("max_bullet_lines_ratio", maxBulletLinesRatio, 0, 1);
      Check.between("max_ellipsis_lines_ratio", maxEllipsisLinesRatio, 0, 1);
      Check.between("min_alpha_words_ratio", minAlphaWordsRatio, 0, 1);
      Check.atLeast("min_stop_words", minStopWords, 0);
      stopWords = Check.list(stopWords);
    }
  }

  /** The first rule {@code text} fails, or null when it passes them all. */
  public static Verdict check(String text, Settings s) {
    return check(text, Words.split(text), Words.splitLines(text), s);
  }

  /** As {@link #check(String, Settings)} with the words and lines already split. */
  public static Verdict check(String text, List<String> words, List<String> lines, Settings s) {
    int nWords = words.size();
    long nonSymbol = 0;
    long nonSymbolChars = 0;
    long alpha = 0;
    long stop = 0;
    Set<String> stopWords = Set.copyOf(s.stopWords());
    int longestStopWord = 0;
    for (String w : stopWords) {
      longestStopWord = Math.max(longestStopWord, w.length());
    }
    for (String w : words) {
      // one pass over the word's characters tells both: all punctuation (a symbol word) and any letter
      boolean punctOnly = true;
      boolean letter = false;
      for (int i = 0; i < w.length() && (punctOnly || !letter); i++) {
        char c = w.charAt(i);
        punctOnly &= Words.isPunct(c);
        letter |= Character.isLetter(c);
      }
      if (!punctOnly) {
        nonSymbol++;
        nonSymbolChars += w.codePointCount(0, w.length());
      }
      if (letter) {
        alpha++;
      }
      if (w.length() <= longestStopWord && stopWords.contains(w)) {
        stop++;
      }
    }
    if (nonSymbol < s.minDocWords()) {
      return new Verdict("gopher_short_doc", nonSymbol);
    }
    if (nonSymbol > s.maxDocWords()) {
      return new Verdict("gopher_long_doc", nonSymbol);
    }
    double avg = nonSymbol == 0 ? 0 : (double) nonSymbolChars / nonSymbol;
    if (avg < s.minAvgWordLength()) {
      return new Verdict("gopher_below_avg_threshold", avg);
    }
    if (avg > s.maxAvgWordLength()) {
      return new Verdict("gopher_above_avg_threshold", avg);
    }
    double hashes = (double) Words.count(text, "#") / nWords;
    if (hashes > s.maxSymbolWordRatio()) {
      return new Verdict("gopher_too_many_hashes", hashes);
    }
    double ellipses = (double) (Words.count(text, "...") + Words.count(text, "…")) / nWords;
    if (ellipses > s.maxSymbolWordRatio()) {
      return new Verdict("gopher_too_many_ellipsis", ellipses);
    }
    if (!lines.isEmpty()) {
      int bullets = 0;
      int endEllipsis = 0;
      for (String line : lines) {
        String l = line.strip();
        if (l.startsWith("•") || l.startsWith("-")) {
          bullets++;
        }
        if (l.endsWith("...") || l.endsWith("…")) {
          endEllipsis++;
        }
      }
      double bulletRatio = (double) bullets / lines.size();
      if (bulletRatio > s.maxBulletLinesRatio()) {
        return new Verdict("gopher_too_many_bullets", bulletRatio);
      }
      double ellipsisRatio = (double) endEllipsis / lines.size();
      if (ellipsisRatio > s.maxEllipsisLinesRatio()) {
        return new Verdict("gopher_too_many_end_ellipsis", ellipsisRatio);
      }
    }
    double alphaRatio = (double) alpha / nWords;
    if (alphaRatio < s.minAlphaWordsRatio()) {
      return new Verdict("gopher_below_alpha_threshold", alphaRatio);
    }
    if (stop < s.minStopWords()) {
      return new Verdict("gopher_enough_stop_words", stop);
    }
    return null;
  }

  /** The {@code sparklm_gopher_quality(text)} SQL function: the failing rule's name, or null if kept. */
  public static String rule(String text) {
    if (text == null) {
      return null;
    }
    Verdict v = check(text, Settings.DEFAULTS);
    return v == null ? null : v.rule();
  }
}
