package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.udfs.lang.LanguageId;
import org.sparklm.udfs.quality.C4Rules;
import org.sparklm.udfs.quality.FineWebRules;
import org.sparklm.udfs.quality.GopherQuality;
import org.sparklm.udfs.quality.GopherRepetition;

/**
 * The {@code clean} job: documents in; kept documents, a {@code dropped} table (the first rule that
 * dropped each document and the value it measured) and per-rule {@code filter_stats} out. Every
 * threshold's default is its published value (Gopher, C4, FineWeb).
 */
public record CleanConfig(
    @JsonPropertyDescription("Documents: an ingest output folder, its documents/ table, or Parquet files/globs with doc_id, url, text; --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: documents/, dropped/ and filter_stats/ are written under it; --output")
    String output,
    @JsonPropertyDescription("Longest text (characters) the rules run on; longer documents are dropped as text_too_long")
    long maxTextChars,
    UrlFilter urlBlocklist,
    LanguageFilter language,
    GopherRepetition.Settings gopherRepetition,
    GopherQuality.Settings gopherQuality,
    C4Rules.Settings c4,
    FineWebRules.Settings fineweb,
    @JsonPropertyDescription("Replace e-mail addresses and public IP addresses in kept documents with <EMAIL_ADDRESS> / <IP_ADDRESS>")
    boolean redactPii) {

  /** Documents whose URL is on a blocklist are dropped first (rule url_blocklist). */
  public record UrlFilter(
      @JsonPropertyDescription("Drop documents whose URL matches the blocklist")
      boolean enabled,
      @JsonPropertyDescription("Blocklist file (any Hadoop path): a domain a line, '~' before a URL substring; empty: the list bundled with sparklm")
      String file) {
    public static final UrlFilter DEFAULTS = new UrlFilter(true, "");

    public UrlFilter {
      file = file == null ? "" : file;
    }
  }

  /** Language identification; documents in other languages are dropped (rules language, language_score). */
  public record LanguageFilter(
      @JsonPropertyDescription("Detect each document's language and keep only the languages in keep")
      boolean enabled,
      @JsonPropertyDescription("ISO 639-1 codes of the languages kept")
      List<String> keep,
      @JsonPropertyDescription("Lowest language_score (the detector's probability for the detected language, 0..1) for a kept document; "
          + "0 keeps every document whose top language is kept (FineWeb's 0.65 is fastText's probability on the whole text; "
          + "9 of the 122 correctly detected test texts score under it here)")
      double minScore,
      LanguageId.Settings detector) {
    public static final LanguageFilter DEFAULTS = new LanguageFilter(true, List.of("en"), 0.0, LanguageId.Settings.DEFAULTS);

    public LanguageFilter {
      keep = Check.list(keep);
      Check.between("min_score", minScore, 0.0, 1.0);
      Check.notNull("detector", detector);
      if (enabled && keep.isEmpty()) {
        throw new org.sparklm.model.config.InvalidValueException("keep", "must name at least one language, e.g. [en], or set enabled: false");
      }
    }
  }

  // 2,000,000 characters: Gopher's own upper bound is 100,000 words (~600,000 characters); a text
  // 3x longer than that is dropped without running the rules, so no task is held up by one record.
  public static final CleanConfig DEFAULTS = new CleanConfig(List.of(), "work/clean", 2_000_000, UrlFilter.DEFAULTS,
      LanguageFilter.DEFAULTS, GopherRepetition.Settings.DEFAULTS, GopherQuality.Settings.DEFAULTS,
      C4Rules.Settings.DEFAULTS, FineWebRules.Settings.DEFAULTS, true);

  public CleanConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.atLeast("max_text_chars", maxTextChars, 1);
    Check.notNull("url_blocklist", urlBlocklist);
    Check.notNull("language", language);
    Check.notNull("gopher_repetition", gopherRepetition);
    Check.notNull("gopher_quality", gopherQuality);
    Check.notNull("c4", c4);
    Check.notNull("fineweb", fineweb);
  }

  public CleanConfig withInput(List<String> v) {
    return new CleanConfig(v, output, maxTextChars, urlBlocklist, language, gopherRepetition, gopherQuality, c4, fineweb, redactPii);
  }

  public CleanConfig withOutput(String v) {
    return new CleanConfig(input, v, maxTextChars, urlBlocklist, language, gopherRepetition, gopherQuality, c4, fineweb, redactPii);
  }

  public CleanConfig withLanguage(LanguageFilter v) {
    return new CleanConfig(input, output, maxTextChars, urlBlocklist, v, gopherRepetition, gopherQuality, c4, fineweb, redactPii);
  }
}
