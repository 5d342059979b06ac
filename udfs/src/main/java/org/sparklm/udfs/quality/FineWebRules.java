package org.sparklm.udfs.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import org.sparklm.model.config.Check;

/**
 * FineWeb's own quality rules (Penedo et al. 2024, section 3.3) with the semantics and rule names of
 * datatrove's {@code FineWebQualityFilter}: over the non-blank lines, the fraction ending in
 * terminal punctuation, the fraction of short lines, the characters in duplicated lines, and
 * newlines per word.
 */
public final class FineWebRules {
  private FineWebRules() {}

  /** The thresholds; defaults are the published values. */
  public record Settings(
      @JsonPropertyDescription("Apply the FineWeb rules")
      boolean enabled,
      @JsonPropertyDescription("Smallest fraction of lines ending in terminal punctuation -> fineweb_line_punct_ratio")
      double linePunctThr,
      @JsonPropertyDescription("Largest fraction of lines of at most short_line_length characters -> fineweb_short_line_ratio")
      double shortLineThr,
      @JsonPropertyDescription("A line this long or shorter (characters) is short")
      long shortLineLength,
      @JsonPropertyDescription("Characters in duplicated lines over all non-newline characters must stay below this -> fineweb_char_dup_ratio")
      double charDuplicatesRatio,
      @JsonPropertyDescription("Largest count of newlines per word -> fineweb_list_ratio")
      double newLineRatio,
      @JsonPropertyDescription("Characters that count as terminal punctuation at the end of a line")
      String stopChars) implements java.io.Serializable {

    /** datatrove's default: Unicode terminal punctuation (the Latin, CJK, Devanagari, Arabic forms among it). */
    public static final String TERMINAL_PUNCTUATION = ".!?'\"…。！？．｡।॥؟۔։።፧፨჻܀܁܂؛";

    public static final Settings DEFAULTS = new Settings(true, 0.12, 0.67, 30, 0.01, 0.3, TERMINAL_PUNCTUATION);

    public Settings {
      Check.between("line_punct_thr", linePunctThr, 0, 1);
      Check.between("short_line_thr", shortLineThr, 0, 1);
      Check.atLeast("short_line_length", shortLineLength, 0);
      Check.between("char_duplicates_ratio", charDuplicatesRatio, 0, 1);
      Check.between("new_line_ratio", newLineRatio, 0, 1000);
      Check.notBlank("stop_chars", stopChars);
    }
  }

  /** The first rule {@code text} fails, or null when it passes them all. */
  public static Verdict check(String text, Settings s) {
    return check(text, null, s);
  }

  /** As {@link #check(String, Settings)}; {@code words} may be null (then split here, only if needed). */
  public static Verdict check(String text, List<String> words, Settings s) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    if (lines.isEmpty()) {
      return new Verdict("fineweb_empty", 0);
    }
    int punct = 0;
    int shortLines = 0;
    for (String line : lines) {
      if (line.length() > 0 && s.stopChars().indexOf(line.charAt(line.length() - 1)) >= 0) {
        punct++;
      }
      if (line.codePointCount(0, line.length()) <= s.shortLineLength()) {
        shortLines++;
      }
    }
    double ratio = (double) punct / lines.size();
    if (ratio < s.linePunctThr()) {
      return new Verdict("fineweb_line_punct_ratio", ratio);
    }
    ratio = (double) shortLines / lines.size();
    if (ratio > s.shortLineThr()) {
      return new Verdict("fineweb_short_line_ratio", ratio);
    }
    long nonNewline = text.length() - Words.count(text, "\n");
    ratio = nonNewline == 0 ? 0 : (double) GopherRepetition.duplicates(lines)[1] / nonNewline;
    if (ratio >= s.charDuplicatesRatio()) {
      return new Verdict("fineweb_char_dup_ratio", ratio);
    }
    int nWords = (words == null ? Words.split(text) : words).size();
    ratio = nWords == 0 ? Double.POSITIVE_INFINITY : (double) Words.count(text, "\n") / nWords;
    if (ratio > s.newLineRatio()) {
      return new Verdict("fineweb_list_ratio", ratio);
    }
    return null;
  }

  /** The {@code sparklm_fineweb_quality(text)} SQL function: the failing rule's name, or null if kept. */
  public static String rule(String text) {
    if (text == null) {
      return null;
    }
    Verdict v = check(text, Settings.DEFAULTS);
    return v == null ? null : v.rule();
  }
}
