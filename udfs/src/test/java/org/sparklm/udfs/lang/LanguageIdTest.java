package org.sparklm.udfs.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.udfs.extract.MainContent;
import org.sparklm.udfs.testing.Corpus;
import org.sparklm.udfs.testing.DevCrawl;

class LanguageIdTest {
  static final LanguageId.Settings S = LanguageId.Settings.DEFAULTS;

  @Test
  void defaults() {
    assertEquals(32, S.candidates().size());
    assertEquals(500, S.maxChars());
    assertEquals(true, S.lowAccuracy());
    assertThrows(InvalidValueException.class, () -> new LanguageId.Settings(List.of("xx"), 100, false));
  }

  /** Pages in 8 languages other than English (data/multilingual), the Python docs and Brown: at least 95% right. */
  @Test
  void multilingualPagesDevCrawlAndBrown() throws Exception {
    List<String> wrong = new ArrayList<>();
    int total = 0;
    for (Path f : Corpus.files(Corpus.repoRoot().resolve("data/multilingual"), "*.html")) {
      String expected = f.getFileName().toString().substring(0, 2);
      LanguageId.Guess g = LanguageId.detect(MainContent.extract(Files.readString(f), "").text(), S);
      total++;
      if (!expected.equals(g.language())) {
        wrong.add(f.getFileName() + " -> " + g);
      }
      assertTrue(g.score() > 0 && g.score() <= 1, g.toString());
    }
    for (DevCrawl.Page p : DevCrawl.pages()) {
      LanguageId.Guess g = LanguageId.detect(MainContent.extract(p.html(), p.url()).text(), S);
      total++;
      if (!"en".equals(g.language())) {
        wrong.add(p.url() + " -> " + g);
      }
    }
    for (var e : Corpus.brown().entrySet()) {
      LanguageId.Guess g = LanguageId.detect(e.getValue(), S);
      total++;
      if (!"en".equals(g.language())) {
        wrong.add(e.getKey() + " -> " + g);
      }
    }
    System.out.println("language ID: " + (total - wrong.size()) + "/" + total + " right; wrong: " + wrong);
    assertTrue(wrong.size() <= 0.05 * total, wrong.size() + " of " + total + " wrong: " + wrong);
  }

  @Test
  void scoreIsTheMarginOverTheRunnerUp() throws Exception {
    String de = MainContent.extract(Files.readString(Corpus.repoRoot().resolve("data/multilingual/de-2.html")), "").text();
    String en = Corpus.brown().get("brown-ca01").substring(0, 900);
    LanguageId.Guess pure = LanguageId.detect(de, S);
    LanguageId.Guess mixed = LanguageId.detect(de.substring(0, 450) + " " + en.substring(0, 450), S);
    assertEquals("de", pure.language());
    assertTrue(pure.score() > 0.1, pure.toString());
    assertTrue(mixed.score() < pure.score(), mixed + " vs " + pure);
  }

  @Test
  void sqlFunction() {
    assertEquals("de", LanguageId.code("Der Hund läuft schnell über die Straße und bellt laut."));
    assertNull(LanguageId.code("   "));
    assertNull(LanguageId.code(null));
  }
}
