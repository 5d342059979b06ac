package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;

/**
 * The {@code ingest} job: crawl files (WARC, WET, JSONL, Parquet) in, {@code documents} and
 * {@code rejects} tables out.
 */
public record IngestConfig(
    @JsonPropertyDescription("Crawl files, folders or globs (any Hadoop path): WARC (.warc, .warc.gz, .warc.zst), WET, JSONL(.gz), Parquet; --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: documents/ and rejects/ are written under it; --output")
    String output,
    @JsonPropertyDescription("Largest decoded payload kept, in bytes; larger records are rejected as too_large")
    long maxRecordBytes,
    @JsonPropertyDescription("Largest fraction of a payload's bytes that may be invalid in its charset before the record is rejected")
    double maxInvalidByteFraction,
    @JsonPropertyDescription("Payload media types that become documents; other responses are rejected as skipped_content_type")
    List<String> contentTypes,
    @JsonPropertyDescription("How HTML becomes text: main_content (article without navigation, headers, footers, link farms; one pass, no DOM), "
        + "main_content_dom (the same rules on jsoup's DOM: ~4x slower, follows HTML5 tree building on broken markup) or visible_text (every visible text node)")
    String extractor,
    @JsonPropertyDescription("Largest HTML page (characters) the extractor parses; larger ones are rejected as extract_limit")
    long maxExtractChars,
    @JsonPropertyDescription("Longest CPU time (ms) the extractor may spend on one page before it is rejected as extract_limit (CPU, not wall-clock, time: a loaded machine gives the same result)")
    long maxExtractMillis,
    @JsonPropertyDescription("Input format: auto (from each file's first bytes and name), warc, wet, jsonl or parquet")
    String format,
    @JsonPropertyDescription("JSONL and Parquet inputs: the field holding the document text")
    String textField,
    @JsonPropertyDescription("JSONL and Parquet inputs: the field holding the URL (may be absent)")
    String urlField,
    @JsonPropertyDescription("JSONL and Parquet inputs: the field holding a stable id (may be absent: then file and line make the id)")
    String idField) {

  public static final List<String> EXTRACTORS = List.of("main_content", "main_content_dom", "visible_text");
  public static final List<String> FORMATS = List.of("auto", "warc", "wet", "jsonl", "parquet");

  // 16 MiB: far above any real HTML page (the HTTP Archive's median is ~30 KB), low enough that
  // one task never holds a gzip bomb's worth of bytes.
  public static final IngestConfig DEFAULTS = new IngestConfig(List.of(), "work/ingest", 16L << 20, 0.01,
      List.of("text/html", "application/xhtml+xml", "text/plain"), "main_content", 8L << 20, 2000,
      "auto", "text", "url", "id");

  public IngestConfig withInput(List<String> v) {
    return new IngestConfig(v, output, maxRecordBytes, maxInvalidByteFraction, contentTypes, extractor, maxExtractChars,
        maxExtractMillis, format, textField, urlField, idField);
  }

  public IngestConfig withOutput(String v) {
    return new IngestConfig(input, v, maxRecordBytes, maxInvalidByteFraction, contentTypes, extractor, maxExtractChars,
        maxExtractMillis, format, textField, urlField, idField);
  }

  public IngestConfig withFormat(String v) {
    return new IngestConfig(input, output, maxRecordBytes, maxInvalidByteFraction, contentTypes, extractor, maxExtractChars,
        maxExtractMillis, v, textField, urlField, idField);
  }

  public IngestConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.between("max_record_bytes", maxRecordBytes, 1, Integer.MAX_VALUE - 16);
    Check.between("max_invalid_byte_fraction", maxInvalidByteFraction, 0.0, 1.0);
    contentTypes = Check.list(contentTypes);
    if (contentTypes.isEmpty()) {
      throw new org.sparklm.model.config.InvalidValueException("content_types", "must name at least one media type, e.g. [text/html]");
    }
    Check.oneOf("extractor", extractor, EXTRACTORS);
    Check.atLeast("max_extract_chars", maxExtractChars, 1);
    Check.atLeast("max_extract_millis", maxExtractMillis, 1);
    Check.oneOf("format", format, FORMATS);
    Check.notBlank("text_field", textField);
    Check.notBlank("url_field", urlField);
    Check.notBlank("id_field", idField);
  }
}
