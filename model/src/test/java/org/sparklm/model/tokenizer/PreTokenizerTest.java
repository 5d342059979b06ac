package org.sparklm.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
  private static final Pattern GPT2 = Pattern.compile(PreTokenizer.REGEX);

  static List<String> byRegex(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = GPT2.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  static List<String> ours(String s) {
    List<String> out = new ArrayList<>();
    PreTokenizer.split(s, (a, b) -> out.add(s.substring(a, b)));
    return out;
  }

  @Test
  void splitsLikeGpt2Regex() {
    // "\n\nx": \s+(?!\S) backs off one char, and the last newline is a token of its own
    assertEquals(List.of("Hello", ",", " world", "!", "  ", " It", "'s", " 42", "\n", "\n", "x"), ours("Hello, world!   It's 42\n\nx"));
  }

  @Test
  void whitespaceRunsKeepTheirLastSpaceForTheNextWord() {
    assertEquals(List.of("a", "   ", " b", "  ", "\n", "c", "\t "), ours("a    b  \nc\t "));
    assertEquals(List.of(" \n "), ours(" \n ")); // at the end of the text the whole run is one
  }

  @Test
  void equalsTheRegexOnRealAndMixedText() {
    List<String> docs = new ArrayList<>(TestTexts.brown());
    docs.addAll(TestTexts.devCrawl());
    docs.add(TestTexts.MIXED);
    docs.add("''s 'S 'll've  'x ' '\n'd");
    docs.add("");
    docs.add("\uD800 lone \uDC00 surrogates\uD83D");
    for (String d : docs) {
      assertEquals(byRegex(d), ours(d), () -> "differs on: " + d.substring(0, Math.min(80, d.length())));
    }
  }
}
