package org.sparklm.udfs.quality;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.sparklm.udfs.lang.LanguageId;
import org.sparklm.udfs.pii.PiiRedactor;
import org.sparklm.udfs.url.UrlBlocklist;

/**
 * One document through the whole cleaning pipeline: URL blocklist, empty text, language, Gopher
 * quality, Gopher repetition, C4 (which may remove lines), FineWeb, then PII redaction of what is
 * kept. The first failing rule drops the document; nothing after it runs.
 *
 * <p>This is FineWeb's order except that Gopher quality runs before Gopher repetition: the set of
 * dropped documents is the same, but a short page is then reported as {@code gopher_short_doc}
 * rather than as {@code gopher_top_2_gram} (in datatrove's repetition rule, the most frequent
 * n-gram of a short text is a large fraction of it even when it occurs once).
 */
public final class Cleaner {

  /** Everything the pipeline needs; each part's settings carry their own {@code enabled} switch. */
  public record Options(
      UrlBlocklist urlBlocklist,
      boolean languageFilter,
      LanguageId.Settings language,
      Set<String> keepLanguages,
      double minLanguageScore,
      GopherRepetition.Settings gopherRepetition,
      GopherQuality.Settings gopherQuality,
      C4Rules.Settings c4,
      BadWords badWords,
      FineWebRules.Settings fineweb,
      boolean redactPii,
      long maxTextChars) implements java.io.Serializable {}

  /** What happened to one document: a verdict (dropped) or the cleaned text (kept). */
  public record Outcome(Verdict verdict, String text, String language, double languageScore, int emails, int ips) {
    public boolean kept() {
      return verdict == null;
    }
  }

  /** Rule names in pipeline order, for reports. */
  public static final List<String> STAGES = List.of("url_blocklist", "text_too_long", "empty_text", "language", "gopher_quality",
      "gopher_repetition", "c4", "fineweb");

  private final Options o;

  public Cleaner(Options o) {
    this.o = o;
  }

  public Outcome clean(String url, String text) {
    String t = text == null ? "" : text;
    if (o.urlBlocklist() != null) {
      String hit = o.urlBlocklist().match(url);
      if (hit != null) {
        return dropped(new Verdict("url_blocklist", 1, hit), null, 0);
      }
    }
    // the rules are linear or n log n in the text, but one 50 MB text would still hold a task for
    // minutes: longer texts are dropped with their length as the measured value
    if (t.length() > o.maxTextChars()) {
      return dropped(new Verdict("text_too_long", t.length()), null, 0);
    }
    if (t.isBlank()) {
      return dropped(new Verdict("empty_text", 0), null, 0);
    }
    String lang = null;
    double score = 0;
    if (o.languageFilter()) {
      LanguageId.Guess g = LanguageId.detect(t, o.language());
      lang = g.language();
      score = g.score();
      if (lang == null || !o.keepLanguages().contains(lang)) {
        return dropped(new Verdict("language", score, lang == null ? "unknown" : lang), lang, score);
      }
      if (score < o.minLanguageScore()) {
        return dropped(new Verdict("language_score", score, lang), lang, score);
      }
    }
    List<String> words = null;
    if (o.gopherQuality().enabled()) {
      words = Words.split(t);
      Verdict v = GopherQuality.check(t, words, Words.splitLines(t), o.gopherQuality());
      if (v != null) {
        return dropped(v, lang, score);
      }
    }
    if (o.gopherRepetition().enabled()) {
      words = words == null ? Words.split(t) : words;
      Verdict v = GopherRepetition.check(t, words, o.gopherRepetition());
      if (v != null) {
        return dropped(v, lang, score);
      }
    }
    if (o.c4().enabled()) {
      C4Rules.Result r = C4Rules.apply(t, o.c4(), o.c4().filterBadWords() ? o.badWords() : null);
      if (r.verdict() != null) {
        return dropped(r.verdict(), lang, score);
      }
      if (!r.text().equals(t)) {
        t = r.text();
        words = null;
      }
    }
    if (o.fineweb().enabled()) {
      Verdict v = FineWebRules.check(t, words, o.fineweb());
      if (v != null) {
        return dropped(v, lang, score);
      }
    }
    int emails = 0;
    int ips = 0;
    if (o.redactPii()) {
      PiiRedactor.Redacted r = PiiRedactor.redact(t);
      t = r.text();
      emails = r.emails();
      ips = r.ips();
    }
    return new Outcome(null, t, lang, score, emails, ips);
  }

  private static Outcome dropped(Verdict v, String lang, double score) {
    return new Outcome(v, null, lang, score, 0, 0);
  }

  /** UTF-8 length of {@code s} without encoding it. */
  public static long utf8Bytes(String s) {
    return org.sparklm.model.text.Utf8.length(s);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
