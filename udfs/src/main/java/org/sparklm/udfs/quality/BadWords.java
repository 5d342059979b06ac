package org.sparklm.udfs.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * C4's bad-word page rule: a page is dropped when its lower-cased text holds a listed word or
 * phrase flanked by non-word characters (datatrove's {@code C4BadWordsFilter} for space-separated
 * languages). The list itself is data: sparklm bundles a short one of its own; C4 used the LDNOOBW
 * English list, which users can point {@code clean.c4.bad_words_file} at.
 */
public final class BadWords implements java.io.Serializable {
  private final List<String> words;
  private transient Pattern pattern;

  public BadWords(List<String> words) {
    this.words = List.copyOf(new TreeSet<>(words));
  }

  /** Words from a stream: one a line, blank lines and lines starting with '#' ignored. */
  public static BadWords read(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String w = line.strip().toLowerCase(Locale.ROOT);
        if (!w.isEmpty() && !w.startsWith("#")) {
          out.add(w);
        }
      }
    }
    return new BadWords(out);
  }

  private static volatile BadWords bundled;

  /** The list bundled in this jar ({@code badwords-en.txt}). */
  public static BadWords bundled() {
    BadWords b = bundled;
    if (b == null) {
      try (InputStream in = BadWords.class.getResourceAsStream("badwords-en.txt")) {
        b = read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bundled = b;
    }
    return b;
  }

  public int size() {
    return words.size();
  }

  /** The first listed word found in {@code text} (lower-cased), or null. */
  public String find(String text) {
    if (words.isEmpty()) {
      return null;
    }
    Pattern p = pattern;
    if (p == null) {
      StringBuilder sb = new StringBuilder("(?:\\W|^)(");
      for (int i = 0; i < words.size(); i++) {
        sb.append(i == 0 ? "" : "|").append(Pattern.quote(words.get(i)));
      }
      p = Pattern.compile(sb.append(")(?:\\W|$)").toString(), Pattern.UNICODE_CHARACTER_CLASS);
      pattern = p;
    }
    Matcher m = p.matcher(text.toLowerCase(Locale.ROOT));
    return m.find() ? m.group(1) : null;
  }
}
