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
    assertEquals(List.of(), S.candidates());
    assertEquals(500, S.maxChars());
    assertThrows(InvalidValueException.class, () -> new LanguageId.Settings(List.of("xx"), 100));
    assertThrows(InvalidValueException.class, () -> new LanguageId.Settings(List.of(), 10));
    // ISO 639-1 where the language has a code, 639-3 where it has none; macrolanguages merged
    assertTrue(LanguageId.codes().containsAll(List.of("en", "de", "zh", "fa", "he", "id", "nb", "ceb")), LanguageId.codes().toString());
    assertTrue(!LanguageId.codes().contains("pes") && !LanguageId.codes().contains("cmn") && !LanguageId.codes().contains("iw"));
  }

  /** Pages in 8 languages other than English (data/multilingual), the Python docs and Brown: at least 95% right. */
  @Test
  void multilingualPagesDevCrawlAndBrown() throws Exception {
    List<String> wrong = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    int total = 0;
    for (Path f : Corpus.files(Corpus.repoRoot().resolve("data/multilingual"), "*.html")) {
      String expected = f.getFileName().toString().substring(0, 2);
      LanguageId.Guess g = LanguageId.detect(MainContent.extract(Files.readString(f), "").text(), S);
      total++;
      if (!expected.equals(g.language())) {
        wrong.add(f.getFileName() + " -> " + g);
      }
      assertTrue(g.score() > 0 && g.score() <= 1, g.toString());
      scores.add(g.score());
    }
    for (DevCrawl.Page p : DevCrawl.pages()) {
      LanguageId.Guess g = LanguageId.detect(MainContent.extract(p.html(), p.url()).text(), S);
      total++;
      if (!"en".equals(g.language())) {
        wrong.add(p.url() + " -> " + g);
      }
      scores.add(g.score());
    }
    for (var e : Corpus.brown().entrySet()) {
      LanguageId.Guess g = LanguageId.detect(e.getValue(), S);
      total++;
      if (!"en".equals(g.language())) {
        wrong.add(e.getKey() + " -> " + g);
      }
      scores.add(g.score());
    }
    System.out.println("language ID: " + (total - wrong.size()) + "/" + total + " right; wrong: " + wrong + "; scores under 0.65: "
        + scores.stream().filter(x -> x < 0.65).count() + ", sorted: " + scores.stream().sorted().limit(20).toList());
    assertTrue(wrong.size() <= 0.05 * total, wrong.size() + " of " + total + " wrong: " + wrong);
  }

  @Test
  void candidatesRestrictTheChoice() throws Exception {
    String de = MainContent.extract(Files.readString(Corpus.repoRoot().resolve("data/multilingual/de-2.html")), "").text();
    LanguageId.Guess all = LanguageId.detect(de, S);
    LanguageId.Guess notDe = LanguageId.detect(de, new LanguageId.Settings(List.of("en", "fr"), 500));
    assertEquals("de", all.language());
    assertTrue(notDe.language().equals("en") || notDe.language().equals("fr"), notDe.toString());
    assertTrue(notDe.score() < all.score(), notDe + " vs " + all);
  }

  @Test
  void scoreIsTheModelsProbability() throws Exception {
    String de = MainContent.extract(Files.readString(Corpus.repoRoot().resolve("data/multilingual/de-2.html")), "").text();
    String en = Corpus.brown().get("brown-ca01").substring(0, 900);
    LanguageId.Guess pure = LanguageId.detect(de, S);
    LanguageId.Guess mixed = LanguageId.detect(de.substring(0, 450) + " " + en.substring(0, 450), S);
    assertEquals("de", pure.language());
    assertTrue(pure.score() > 0.65, pure.toString()); // FineWeb's threshold on fastText's probability
    assertTrue(mixed.score() < pure.score(), mixed + " vs " + pure);
  }

  @Test
  void sqlFunction() {
    assertEquals("de", LanguageId.code("Der Hund läuft schnell über die Straße und bellt laut."));
    assertNull(LanguageId.code("   "));
    assertNull(LanguageId.code("12:30 -- 4,500 (+/-) ..."));
    assertNull(LanguageId.code(null));
  }
}
