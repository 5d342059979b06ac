package org.sparklm.udfs.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * The word and line splitting the quality rules are defined over.
 *
 * <p>Hand-written on purpose: datatrove runs NLTK's Treebank {@code word_tokenize}, which has no
 * JVM port. This splitter reproduces the parts of it the Gopher and FineWeb rules are sensitive
 * to (whitespace splitting; brackets and {@code ; @ # $ % & ? !} split off wherever they are,
 * other leading and trailing punctuation split off as tokens of their own; a trailing
 * {@code ...} kept as one token; English clitics {@code n't 's 're 've 'll 'd 'm} split
 * off) in one pass without regular expressions, because it runs on every document at crawl
 * scale. It differs from NLTK on rare cases (quotes inside words, abbreviations ending a
 * sentence), which moves the measured ratios by a fraction of a percent on real pages.
 */
public final class Words {
  private Words() {}

  /** datatrove's {@code PUNCTUATION} set: ASCII and CJK punctuation plus control characters. */
  static final String PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»";

  private static final boolean[] ASCII_PUNCT = new boolean[128];

  static {
    for (char c : PUNCTUATION.toCharArray()) {
      if (c < 128) {
        ASCII_PUNCT[c] = true;
      }
    }
  }

  /** True when {@code c} is in datatrove's punctuation set (control characters included). */
  public static boolean isPunct(char c) {
    if (c < 128) {
      return ASCII_PUNCT[c] || c < 9 || (c >= 11 && c < 32) || c == 127;
    }
    if (c < 160) {
      return true;
    }
    return PUNCTUATION.indexOf(c) >= 0;
  }

  /** True when every character of {@code w} is punctuation (a "symbol word" for Gopher). */
  public static boolean allPunct(String w) {
    for (int i = 0; i < w.length(); i++) {
      if (!isPunct(w.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Characters split off a word's edges as tokens of their own (Treebank's edge punctuation). */
  private static boolean isEdge(char c) {
    return switch (c) {
      case '.', ',', ';', ':', '!', '?', '"', '(', ')', '[', ']', '{', '}', '<', '>', '\'', '`', '“', '”', '‘', '’', '«', '»',
           '…', '¿', '¡', '，', '。', '！', '？', '；', '：', '、', '（', '）' -> true;
      default -> false;
    };
  }

  private static final String[] CLITICS = {"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"};

  /** The words of {@code text}, punctuation tokens included, in order. */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>(Math.max(16, text.length() / 6));
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      addChunk(text, start, i, out);
    }
    return out;
  }

  /** Characters Treebank always splits off, wherever they are in a word: brackets, ; @ # $ % & ? ! */
  private static boolean isAlwaysSplit(char c) {
    return switch (c) {
      case '(', ')', '[', ']', '{', '}', '<', '>', ';', '@', '#', '$', '%', '&', '?', '!' -> true;
      default -> false;
    };
  }

  private static void addChunk(String text, int start, int end, List<String> out) {
    int from = start;
    for (int i = start; i < end; i++) {
      if (isAlwaysSplit(text.charAt(i))) {
        if (i > from) {
          addPiece(text, from, i, out);
        }
        out.add(String.valueOf(text.charAt(i)));
        from = i + 1;
      }
    }
    if (from < end) {
      addPiece(text, from, end, out);
    }
  }

  private static void addPiece(String text, int start, int end, List<String> out) {
    int s = start;
    while (s < end && isEdge(text.charAt(s))) {
      out.add(String.valueOf(text.charAt(s)));
      s++;
    }
    int e = end;
    List<String> tail = null;
    while (e > s) {
      char c = text.charAt(e - 1);
      if (c == '.' && e - 3 >= s && text.startsWith("...", e - 3)) {
        tail = push(tail, "...");
        e -= 3;
      } else if (isEdge(c)) {
        // "U.S." and "e.g." keep their inner dots; only a final dot after a letter run goes
        if (c == '.' && e - 2 > s && text.charAt(e - 3) == '.') {
          break;
        }
        tail = push(tail, String.valueOf(c));
        e--;
      } else {
        break;
      }
    }
    if (e > s) {
      String word = text.substring(s, e);
      String clitic = null;
      int apos = word.indexOf('\'');
      if (apos > 0) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        for (String cl : CLITICS) {
          if (lower.endsWith(cl) && lower.length() > cl.length()) {
            clitic = word.substring(word.length() - cl.length());
            word = word.substring(0, word.length() - cl.length());
            break;
          }
        }
      }
      out.add(word);
      if (clitic != null) {
        out.add(clitic);
      }
    }
    if (tail != null) {
      for (int k = tail.size() - 1; k >= 0; k--) {
        out.add(tail.get(k));
      }
    }
  }

  private static List<String> push(List<String> l, String s) {
    List<String> r = l == null ? new ArrayList<>(2) : l;
    r.add(s);
    return r;
  }

  /** Python's {@code str.splitlines()}: splits on every line boundary, no trailing empty line. */
  public static List<String> splitLines(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length();
    int start = 0;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      // the ASCII line boundaries are all control characters: one comparison for most characters
      if (c < ' ' ? isLineBreak(c) : c == '\u0085' || c == '\u2028' || c == '\u2029') {
        out.add(text.substring(start, i));
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
      i++;
    }
    if (start < n) {
      out.add(text.substring(start));
    }
    return out;
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || (c >= '\u001C' && c <= '\u001E') || c == '\u0085'
        || c == '\u2028' || c == '\u2029';
  }

  /** Occurrences of {@code needle} in {@code s}, not overlapping (Python's {@code str.count}). */
  public static int count(String s, String needle) {
    int c = 0;
    int from = 0;
    while ((from = s.indexOf(needle, from)) >= 0) {
      c++;
      from += needle.length();
    }
    return c;
  }
}
