package org.sparklm.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;

class GopherQualityTest {
  static final GopherQuality.Settings S = GopherQuality.Settings.DEFAULTS;

  @Test
  void defaultsAreThePublishedValues() {
    assertEquals(new GopherQuality.Settings(true, 50, 100_000, 3.0, 10.0, 0.1, 0.9, 0.3, 0.8, 2,
        List.of("the", "be", "to", "of", "and", "that", "have", "with")), S);
  }

  @Test
  void everyBrownGenrePasses() {
    for (Map.Entry<String, String> e : Corpus.brown().entrySet()) {
      assertNull(GopherQuality.check(e.getValue(), S), e.getKey());
    }
  }

  @Test
  void wordsSplitLikeTreebank() {
    assertEquals(List.of("Do", "n't", "stop", "...", "(", "really", ")", "."), Words.split("Don't stop... (really)."));
    assertEquals(List.of("See", "U.S.", "law", ",", "e.g.", "this", "."), Words.split("See U.S. law, e.g. this."));
  }

  @Test
  void shortPageIsShortDoc() {
    Verdict v = GopherQuality.check("Welcome to our site! Click here.", S);
    assertEquals("gopher_short_doc", v.rule());
    assertEquals(6, v.value()); // punctuation tokens are not words
  }

  @Test
  void textWithoutStopWordsFails() {
    String brown = Corpus.brown().get("brown-ca01");
    String stripped = brown.replaceAll("\\b(the|be|to|of|and|that|have|with)\\b", "x");
    Verdict v = GopherQuality.check(stripped, S);
    assertEquals("gopher_enough_stop_words", v.rule());
    assertEquals(0, v.value());
  }

  @Test
  void codePageHasTooFewAlphabeticWords() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("total_count_").append(i).append(" = 0x1f * 3.14 # the and\n");
    }
    Verdict v = GopherQuality.check(sb.toString(), S);
    assertEquals("gopher_too_many_hashes", v.rule()); // '#' per word is checked before the letters rule
    Verdict noHash = GopherQuality.check(sb.toString().replace("#", ""), S);
    assertEquals("gopher_below_alpha_threshold", noHash.rule());
  }

  @Test
  void bulletAndEllipsisLines() {
    String sentence = "the committee members discussed budget questions with several officials and that ended";
    StringBuilder bullets = new StringBuilder();
    StringBuilder ellipses = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      bullets.append("• ").append(sentence).append('\n');
      ellipses.append(i % 2 == 0 ? sentence + "...\n" : sentence + ".\n");
    }
    assertEquals("gopher_too_many_bullets", GopherQuality.check(bullets.toString(), S).rule());
    Verdict v = GopherQuality.check(ellipses.toString(), S);
    assertEquals("gopher_too_many_end_ellipsis", v.rule());
    assertEquals(0.5, v.value(), 1e-9);
  }

  @Test
  void longWordsAboveAverage() {
    String w = "incomprehensibilities characteristically ";
    Verdict v = GopherQuality.check(w.repeat(30) + "the and", S);
    assertEquals("gopher_above_avg_threshold", v.rule());
  }

  @Test
  void sqlFunctionReturnsRuleName() {
    assertNull(GopherQuality.rule(null));
    assertNull(GopherQuality.rule(Corpus.brown().get("brown-cb01")));
    assertEquals("gopher_short_doc", GopherQuality.rule("too short"));
  }
}
