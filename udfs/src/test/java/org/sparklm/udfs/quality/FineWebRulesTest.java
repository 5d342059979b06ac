package org.sparklm.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;

class FineWebRulesTest {
  static final FineWebRules.Settings S = FineWebRules.Settings.DEFAULTS;

  @Test
  void defaultsAreThePublishedValues() {
    assertEquals(new FineWebRules.Settings(true, 0.12, 0.67, 30, 0.01, 0.3, FineWebRules.Settings.TERMINAL_PUNCTUATION), S);
  }

  @Test
  void everyBrownGenrePasses() {
    for (Map.Entry<String, String> e : Corpus.brown().entrySet()) {
      assertNull(FineWebRules.check(e.getValue(), S), e.getKey());
    }
  }

  @Test
  void navigationOnlyTextHasNoPunctuatedLines() {
    Verdict v = FineWebRules.check("Home\nProducts\nAbout us\nContact\nLogin\nSign up\nCart\nHelp\n", S);
    assertEquals("fineweb_line_punct_ratio", v.rule());
    assertEquals(0, v.value());
  }

  @Test
  void shortLinesDuplicatesAndLists() {
    Verdict shortLines = FineWebRules.check("Yes.\nNo.\nMaybe.\nThe meeting is on Tuesday in the large hall.\n", S);
    assertEquals("fineweb_short_line_ratio", shortLines.rule());
    assertEquals(0.75, shortLines.value(), 1e-9);

    String brown = Corpus.brown().get("brown-ca01");
    String line = "\nShare this article with your friends on social media today.";
    Verdict dup = FineWebRules.check(brown + line.repeat(4), S);
    assertEquals(3 * 59.0 / (brown.length() - brown.chars().filter(c -> c == '\n').count() + 4 * 59), dup.value(), 1e-9);
    assertEquals("fineweb_char_dup_ratio", dup.rule());

    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      list.append("Item number ").append(i).append(" of the list that we sell today.\n\n\n\n");
    }
    assertEquals("fineweb_list_ratio", FineWebRules.check(list.toString(), S).rule());
  }

  @Test
  void emptyText() {
    assertEquals("fineweb_empty", FineWebRules.check("  \n \n", S).rule());
  }
}
