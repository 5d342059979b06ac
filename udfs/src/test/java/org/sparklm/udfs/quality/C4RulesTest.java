package org.sparklm.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;

class C4RulesTest {
  static final C4Rules.Settings S = C4Rules.Settings.DEFAULTS;

  @Test
  void defaultsAreThePublishedValues() {
    assertEquals(new C4Rules.Settings(true, true, true, 5, 3, 1000, true, true, true, true, true, ""), S);
  }

  @Test
  void everyBrownGenreIsKeptWithMostOfItsText() {
    for (Map.Entry<String, String> e : Corpus.brown().entrySet()) {
      C4Rules.Result r = C4Rules.apply(e.getValue(), S, BadWords.bundled());
      assertNull(r.verdict(), e.getKey());
      assertTrue(r.text().length() > 0.5 * e.getValue().length(), e.getKey() + " kept " + r.text().length());
    }
  }

  @Test
  void lineRulesRemoveLinesAndKeepTheRest() {
    String text = String.join("\n",
        "Home | About | Contact",
        "The committee met on Tuesday to discuss the new budget.",
        "Please enable JavaScript to view the comments below, thank you.",
        "By using this site you agree to our privacy policy and terms.",
        "Too short.",
        "It approved the plan after a long debate [1] about the costs.",
        "Members will vote again next month on the final version.",
        "Read more...");
    C4Rules.Result r = C4Rules.apply(text, S, null);
    assertNull(r.verdict());
    assertEquals(String.join("\n",
        "The committee met on Tuesday to discuss the new budget.",
        "It approved the plan after a long debate  about the costs.",
        "Members will vote again next month on the final version."), r.text());
    assertEquals(5, r.linesRemoved());
  }

  @Test
  void pageRules() {
    String ok = "The committee met on Tuesday to discuss the new budget.\n"
        + "It approved the plan after a long debate about the costs.\n";
    assertEquals("c4_lorem_ipsum", C4Rules.apply(ok + "Lorem ipsum dolor sit amet, consectetur adipiscing elit.", S, null).verdict().rule());
    assertEquals("c4_curly_bracket", C4Rules.apply(ok + "Call it as f({'a': 1}) and read the result.", S, null).verdict().rule());
    Verdict few = C4Rules.apply(ok, S, null).verdict();
    assertEquals("c4_too_few_sentences", few.rule());
    assertEquals(2, few.value());
  }

  @Test
  void badWordsMatchWholeWordsOnly() throws Exception {
    String ok = "The committee met on Tuesday to discuss the new budget. It approved the plan.\n"
        + "Members will vote again next month on the final version of the text.\n";
    Verdict v = C4Rules.apply(ok + "Visit our site for free porn videos every single day.", S, BadWords.bundled()).verdict();
    assertEquals("c4_badwords", v.rule());
    assertEquals("porn", v.detail());
    BadWords custom = BadWords.read(new ByteArrayInputStream("# list\nbudget\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("budget", C4Rules.apply(ok, S, custom).verdict().detail());
    BadWords partial = BadWords.read(new ByteArrayInputStream("budg\n".getBytes(StandardCharsets.UTF_8)));
    assertNull(C4Rules.apply(ok, S, partial).verdict());
  }
}
