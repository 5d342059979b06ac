package org.sparklm.udfs.lang;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/**
 * Language identification with Lingua (com.github.pemistahl:lingua): the most accurate
 * pure-JVM detector on short and mixed text in its authors' and our own measurements (see
 * docs/performance.md, "Language ID"), with no native code and no model download (the n-gram
 * models ship in its jar). A detector is built once per JVM and settings and shared by all tasks
 * (Lingua's detector is thread-safe); only a prefix of each text is looked at, which bounds the
 * time per document.
 */
public final class LanguageId {
  private LanguageId() {}

  /** Which languages to tell apart, and how much text to look at. */
  public record Settings(
      @JsonPropertyDescription("ISO 639-1 codes of the languages the detector chooses among; empty: all 75 Lingua knows")
      List<String> candidates,
      @JsonPropertyDescription("Characters of each text (from the start) the detector reads; bounds the time per document")
      long maxChars,
      @JsonPropertyDescription("Lingua's low accuracy mode: trigram models only (~100 MB of heap instead of ~1 GB, 3 s to load instead of 30 s); "
          + "as accurate on texts over ~120 characters")
      boolean lowAccuracy) implements java.io.Serializable {

    /** The languages with the most pages in Common Crawl, and the ones the tests cover. */
    public static final Settings DEFAULTS = new Settings(List.of(
        "en", "de", "ru", "ja", "zh", "fr", "es", "it", "pt", "pl", "nl", "cs", "tr", "vi", "id", "sv", "fa", "ko",
        "ar", "uk", "hu", "ro", "el", "da", "fi", "nb", "sk", "bg", "he", "th", "hi", "la"), 500, true);

    public Settings {
      candidates = Check.list(candidates);
      for (String c : candidates) {
        if (language(c) == null) {
          throw new InvalidValueException("candidates", "'" + c + "' is not an ISO 639-1 code Lingua knows");
        }
      }
      Check.between("max_chars", maxChars, 20, 1_000_000);
    }
  }

  /** A detected language: ISO 639-1 code (null if none could be told) and its margin (0..1] over the runner-up. */
  public record Guess(String language, double score) {}

  private static final Map<List<Object>, LanguageDetector> DETECTORS = new ConcurrentHashMap<>();

  static Language language(String iso6391) {
    try {
      IsoCode639_1 code = IsoCode639_1.valueOf(iso6391.toUpperCase(Locale.ROOT));
      return Language.getByIsoCode639_1(code);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static LanguageDetector detector(Settings s) {
    // one detector per language set and mode (maxChars does not change the models)
    return DETECTORS.computeIfAbsent(List.of(s.candidates(), s.lowAccuracy()), key -> {
      Settings k = s;
      LanguageDetectorBuilder b;
      if (k.candidates().isEmpty()) {
        b = LanguageDetectorBuilder.fromAllLanguages();
      } else {
        List<Language> langs = new ArrayList<>();
        for (String c : k.candidates()) {
          langs.add(language(c));
        }
        b = LanguageDetectorBuilder.fromLanguages(langs.toArray(new Language[0]));
      }
      if (k.lowAccuracy()) {
        b = b.withLowAccuracyMode();
      }
      return b.withPreloadedLanguageModels().build();
    });
  }

  /** The most likely language of {@code text} and its confidence. */
  public static Guess detect(String text, Settings s) {
    if (text == null || text.isBlank()) {
      return new Guess(null, 0);
    }
    String t = text.length() > s.maxChars() ? text.substring(0, (int) s.maxChars()) : text;
    SortedMap<Language, Double> conf = detector(s).computeLanguageConfidenceValues(t);
    if (conf.isEmpty()) {
      return new Guess(null, 0);
    }
    Language best = conf.firstKey();
    if (best == Language.UNKNOWN) {
      return new Guess(null, 0);
    }
    // Lingua 1.2 scales confidences relative to the best language (which gets 1.0; the others
    // typically 0.6-0.9 on real pages): the score is the margin to the runner-up, 0 when two
    // languages tie and 1 when no other language is possible
    double second = 0;
    for (Map.Entry<Language, Double> e : conf.entrySet()) {
      if (e.getKey() != best) {
        second = Math.max(second, e.getValue());
      }
    }
    double top = conf.get(best);
    return new Guess(best.getIsoCode639_1().toString().toLowerCase(Locale.ROOT), top > 0 ? 1 - second / top : 0);
  }

  /** The {@code sparklm_language(text)} SQL function: the ISO 639-1 code, or null. */
  public static String code(String text) {
    return detect(text, Settings.DEFAULTS).language();
  }
}
