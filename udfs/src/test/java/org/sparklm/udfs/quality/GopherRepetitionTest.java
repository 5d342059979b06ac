package org.sparklm.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;

class GopherRepetitionTest {
  static final GopherRepetition.Settings S = GopherRepetition.Settings.DEFAULTS;

  @Test
  void defaultsAreThePublishedValues() {
    assertEquals(new GopherRepetition.Settings(true, 0.3, 0.3, 0.2, 0.2, List.of(0.2, 0.18, 0.16),
        List.of(0.15, 0.14, 0.13, 0.12, 0.11, 0.10)), S);
  }

  @Test
  void everyBrownGenrePasses() {
    for (Map.Entry<String, String> e : Corpus.brown().entrySet()) {
      assertNull(GopherRepetition.check(e.getValue(), S), e.getKey());
    }
  }

  @Test
  void repeatedParagraphs() {
    String[] paras = Corpus.brown().get("brown-cf01").split("\n\n");
    String text = String.join("\n\n", paras[0], paras[1], paras[0], paras[1], paras[2]);
    Verdict v = GopherRepetition.check(text, S);
    assertEquals("gopher_dup_para_frac", v.rule());
    assertEquals(2.0 / 5, v.value(), 1e-9);
  }

  @Test
  void topBigramTiesGoToTheFirstAndCountJoinedCharacters() {
    // 2-grams "one two", "two three", ... each twice; the first is reported: 7 chars x 2 over 47
    String text = "one two three four five one two three four five";
    Verdict v = GopherRepetition.check(text, S);
    assertEquals("gopher_top_2_gram", v.rule());
    assertEquals(14.0 / 47, v.value(), 1e-9);
  }

  @Test
  void duplicatedNgramsSkipPastTheRepeat() {
    // datatrove: the second "one..five" adds its characters without spaces (19) and jumps 5 words
    List<String> words = Words.split("one two three four five one two three four five one");
    int[] ids = new int[words.size()];
    int[] lens = new int[words.size()];
    java.util.Map<String, Integer> vocab = new java.util.HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.computeIfAbsent(words.get(i), k -> vocab.size());
      lens[i] = words.get(i).length();
    }
    assertEquals(19, GopherRepetition.duplicatedGramChars(ids, lens, 5));
    assertEquals(0, GopherRepetition.duplicatedGramChars(ids, lens, 10));
  }

  @Test
  void keywordStuffedPage() {
    String stuffed = "Cheap flights to Paris. Book cheap flights now, cheap flights deals, best cheap flights online. ";
    Verdict v = GopherRepetition.check(stuffed.repeat(1) + "We compare prices from many airlines for you.", S);
    assertEquals("gopher_top_2_gram", v.rule());
  }

  @Test
  void repeatedSentenceInsideOneParagraph() {
    String brown = Corpus.brown().get("brown-cj01").split("\n\n")[0];
    String repeat = " Subscribe to our newsletter for weekly updates on the latest research results from our laboratory.";
    Verdict v = GopherRepetition.check(brown + repeat.repeat(6), S);
    assertEquals("gopher_duplicated_5_n_grams", v.rule());
  }

  @Test
  void emptyTextPasses() {
    assertNull(GopherRepetition.check("", S));
  }
}
