package org.sparklm.udfs.lang;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/**
 * Language identification with Apache OpenNLP's language detector and its {@code langdetect-183}
 * model (character 1–3-gram maximum entropy, 103 languages, trained on the Leipzig corpora; both
 * from Maven Central). Chosen over Lingua 1.2.2 (the detector until 2026-11-26) on the project's
 * 122 test texts, measured in one run: OpenNLP 122/122 right at 0.26–0.47 ms per document (first
 * 300–500 characters), Lingua's low-accuracy mode 121/122 at 0.86–1.6 ms, with 40 MB of heap
 * instead of ~100 MB; see docs/performance.md, "Language ID choice". Only a prefix of each text
 * is read, which bounds the time per document.
 *
 * <p>The model speaks ISO 639-3; {@link Guess#language()} is the ISO 639-1 code, or the 639-3
 * code for the languages that have none (Cebuano {@code ceb}, Waray {@code war}, Low German
 * {@code nds}...). Where the model has a macrolanguage and one of its members (Persian {@code fas}
 * and Iranian Persian {@code pes}, Latvian and Standard Latvian, Estonian and Standard Estonian,
 * Panjabi and Western Panjabi) their probabilities are added, so that two names for one language
 * do not split its score.
 */
public final class LanguageId {
  private LanguageId() {}

  /** Which languages to tell apart, and how much text to look at. */
  public record Settings(
      @JsonPropertyDescription("ISO 639-1 codes (639-3 for languages without one) the detector chooses among; "
          + "empty: all the model's languages")
      List<String> candidates,
      @JsonPropertyDescription("Characters of each text (from the start) the detector reads; bounds the time per document")
      long maxChars) implements java.io.Serializable {

    /** Every language the model knows; the first 500 characters. */
    public static final Settings DEFAULTS = new Settings(List.of(), 500);

    public Settings {
      candidates = Check.list(candidates);
      for (String c : candidates) {
        if (!codes().contains(c)) {
          throw new InvalidValueException("candidates", "'" + c + "' is not a language the detector knows (" + String.join(", ", codes()) + ")");
        }
      }
      Check.between("max_chars", maxChars, 20, 1_000_000);
    }
  }

  /** A detected language (null if none could be told) and the model's probability for it, in (0, 1]. */
  public record Guess(String language, double score) {}

  /** The model, loaded once per JVM, with its outcomes mapped to our codes. */
  private static final class Model {
    static final Model INSTANCE = new Model();

    final LanguageDetectorModel model;
    final Map<String, Integer> codeIndex = new LinkedHashMap<>(); // our code -> slot in the summed probabilities
    final Map<String, Integer> outcomeSlot = new HashMap<>();      // the model's 639-3 code -> slot
    final String[] codes;
    // not documented as thread-safe: one detector per thread, all sharing the (immutable) model
    final ThreadLocal<LanguageDetectorME> detectors;

    private Model() {
      try (InputStream in = LanguageId.class.getResourceAsStream("/langdetect-183.bin")) {
        if (in == null) {
          throw new IllegalStateException("langdetect-183.bin is not on the classpath (org.apache.opennlp:opennlp-models-langdetect)");
        }
        model = new LanguageDetectorModel(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the language model langdetect-183.bin", e);
      }
      detectors = ThreadLocal.withInitial(() -> new LanguageDetectorME(model));
      Map<String, String> iso1 = new HashMap<>();
      for (String two : Locale.getISOLanguages()) {
        iso1.put(new Locale(two).getISO3Language(), two);
      }
      // Java keeps the withdrawn codes for Hebrew and Indonesian; the model's individual
      // languages that belong to a macrolanguage with a 639-1 code
      iso1.putAll(Map.of("heb", "he", "ind", "id", "yid", "yi", "cmn", "zh", "pes", "fa", "lvs", "lv", "ekk", "et",
          "pnb", "pa", "plt", "mg"));
      for (String l : detectors.get().getSupportedLanguages()) {
        String code = iso1.getOrDefault(l, l);
        outcomeSlot.put(l, codeIndex.computeIfAbsent(code, k -> codeIndex.size()));
      }
      codes = codeIndex.keySet().toArray(new String[0]);
    }
  }

  /** The codes {@link Guess#language()} can take, sorted. */
  public static Set<String> codes() {
    return new TreeSet<>(Model.INSTANCE.codeIndex.keySet());
  }

  /** The most likely language of {@code text} among the candidates, and its probability. */
  public static Guess detect(String text, Settings s) {
    if (text == null || !hasLetter(text, s.maxChars())) {
      return new Guess(null, 0);
    }
    String t = text.length() > s.maxChars() ? text.substring(0, (int) s.maxChars()) : text;
    Model m = Model.INSTANCE;
    double[] p = new double[m.codes.length];
    for (Language l : m.detectors.get().predictLanguages(t)) {
      p[m.outcomeSlot.get(l.getLang())] += l.getConfidence();
    }
    int best = -1;
    if (s.candidates().isEmpty()) {
      for (int i = 0; i < p.length; i++) {
        best = best < 0 || p[i] > p[best] ? i : best;
      }
    } else {
      for (String c : s.candidates()) {
        int i = m.codeIndex.get(c);
        best = best < 0 || p[i] > p[best] ? i : best;
      }
    }
    return best < 0 || p[best] <= 0 ? new Guess(null, 0) : new Guess(m.codes[best], Math.min(1.0, p[best]));
  }

  /** A text with no letter in what the detector reads (digits, punctuation, symbols) has no language. */
  private static boolean hasLetter(String text, long maxChars) {
    int n = (int) Math.min(text.length(), maxChars);
    for (int i = 0; i < n; i++) {
      if (Character.isLetter(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The {@code sparklm_language(text)} SQL function: the ISO 639-1 code, or null. */
  public static String code(String text) {
    return detect(text, Settings.DEFAULTS).language();
  }
}
