package org.sparklm.udfs.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sparklm.model.config.Check;

/**
 * C4's cleaning rules (Raffel et al. 2020, section 2.2), with the line and page logic of
 * datatrove's {@code C4QualityFilter} and the thresholds of the C4 reference code (TFDS
 * {@code c4_utils}: lines of at least 5 words, pages of at least 3 sentences). Line rules remove
 * lines (a line without terminal punctuation, with fewer than 5 words, mentioning "javascript", a
 * cookie/terms-of-use phrase, or a word over 1,000 characters); page rules drop the document
 * ({@code c4_lorem_ipsum}, {@code c4_curly_bracket}, {@code c4_badwords}, {@code c4_too_few_sentences}).
 */
public final class C4Rules {
  private C4Rules() {}

  /** The thresholds; defaults are C4's published values. */
  public record Settings(
      @JsonPropertyDescription("Apply the C4 rules")
      boolean enabled,
      @JsonPropertyDescription("Keep the page's text with the failing lines removed (C4 does); false only judges the page")
      boolean removeLines,
      @JsonPropertyDescription("Remove lines that do not end in terminal punctuation (. ? ! \" ') or that end in '...'")
      boolean requireTerminalPunct,
      @JsonPropertyDescription("Fewest words a line needs to be kept")
      long minWordsPerLine,
      @JsonPropertyDescription("Fewest sentences in the kept lines -> c4_too_few_sentences")
      long minSentences,
      @JsonPropertyDescription("Lines holding a longer word (in characters) are removed")
      long maxWordLength,
      @JsonPropertyDescription("Drop pages containing 'lorem ipsum' -> c4_lorem_ipsum")
      boolean filterLoremIpsum,
      @JsonPropertyDescription("Remove lines mentioning 'javascript'")
      boolean filterJavascript,
      @JsonPropertyDescription("Drop pages with a '{' in a kept line -> c4_curly_bracket")
      boolean filterCurlyBracket,
      @JsonPropertyDescription("Remove lines with cookie / terms-of-use / privacy-policy phrases")
      boolean filterPolicy,
      @JsonPropertyDescription("Drop pages holding a word of the bad-word list -> c4_badwords")
      boolean filterBadWords,
      @JsonPropertyDescription("Bad-word list, one word or phrase a line (any Hadoop path); empty: the short list bundled with sparklm. "
          + "C4 used the LDNOOBW 'en' list: point this at a copy of it to match C4 exactly")
      String badWordsFile) implements java.io.Serializable {

    public static final Settings DEFAULTS = new Settings(true, true, true, 5, 3, 1000, true, true, true, true, true, "");

    public Settings {
      Check.atLeast("min_words_per_line", minWordsPerLine, 0);
      Check.atLeast("min_sentences", minSentences, 0);
      Check.atLeast("max_word_length", maxWordLength, 1);
      badWordsFile = badWordsFile == null ? "" : badWordsFile;
    }
  }

  /** The page's verdict, and its text with the removed lines gone (the input text when nothing was removed). */
  public record Result(Verdict verdict, String text, int linesRemoved) {}

  private static final Pattern CITATION = Pattern.compile("\\[\\d*]|\\[edit]|\\[citation needed]");
  private static final String[] POLICY = {
      "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"};

  /** Applies the rules; {@code badWords} may be null (no bad-word rule). */
  public static Result apply(String text, Settings s, BadWords badWords) {
    List<String> kept = new ArrayList<>();
    int removed = 0;
    int sentences = 0;
    BreakIterator sentenceIt = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    for (String raw : Words.splitLines(text)) {
      String line = raw.strip();
      String[] words = line.isEmpty() ? new String[0] : line.split("\\s+");
      boolean longWord = false;
      for (String w : words) {
        if (w.length() > s.maxWordLength()) {
          longWord = true;
          break;
        }
      }
      if (longWord) {
        removed++;
        continue;
      }
      if (line.indexOf('[') >= 0) {
        line = CITATION.matcher(line).replaceAll("");
      }
      if (s.requireTerminalPunct() && (!endsWithTerminal(line) || line.endsWith("..."))) {
        removed++;
        continue;
      }
      if (words.length < s.minWordsPerLine()) {
        removed++;
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (s.filterLoremIpsum() && lower.contains("lorem ipsum")) {
        return new Result(new Verdict("c4_lorem_ipsum", 1), text, removed);
      }
      if (s.filterJavascript() && lower.contains("javascript")) {
        removed++;
        continue;
      }
      if (s.filterCurlyBracket() && line.indexOf('{') >= 0) {
        return new Result(new Verdict("c4_curly_bracket", 1), text, removed);
      }
      if (s.filterPolicy() && containsAny(lower, POLICY)) {
        removed++;
        continue;
      }
      sentences += countSentences(line, sentenceIt);
      kept.add(line);
    }
    if (sentences < s.minSentences()) {
      return new Result(new Verdict("c4_too_few_sentences", sentences), text, removed);
    }
    String out = removed == 0 && kept.size() == Words.splitLines(text).size() ? text : String.join("\n", kept).strip();
    if (s.filterBadWords() && badWords != null) {
      String hit = badWords.find(out);
      if (hit != null) {
        return new Result(new Verdict("c4_badwords", 1, hit), text, removed);
      }
    }
    return new Result(null, s.removeLines() ? out : text, removed);
  }

  private static boolean endsWithTerminal(String line) {
    if (line.isEmpty()) {
      return false;
    }
    char c = line.charAt(line.length() - 1);
    return c == '.' || c == '?' || c == '!' || c == '"' || c == '\'';
  }

  private static boolean containsAny(String s, String[] needles) {
    for (String n : needles) {
      if (s.contains(n)) {
        return true;
      }
    }
    return false;
  }

  static int countSentences(String line, BreakIterator it) {
    it.setText(line);
    int count = 0;
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      if (!line.substring(start, end).isBlank()) {
        count++;
      }
    }
    return count;
  }

  /** The {@code sparklm_c4(text)} SQL function: the failing page rule's name, or null if kept. */
  public static String rule(String text) {
    if (text == null) {
      return null;
    }
    Verdict v = apply(text, Settings.DEFAULTS, BadWords.bundled()).verdict();
    return v == null ? null : v.rule();
  }
}
