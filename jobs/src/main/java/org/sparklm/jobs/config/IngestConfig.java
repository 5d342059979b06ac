package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;

/** The {@code ingest} job: WARC files in, {@code documents} and {@code rejects} tables out. */
public record IngestConfig(
    @JsonPropertyDescription("WARC files, folders or globs (any Hadoop path); --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: documents/ and rejects/ are written under it; --output")
    String output,
    @JsonPropertyDescription("Largest decoded payload kept, in bytes; larger records are rejected as too_large")
    long maxRecordBytes,
    @JsonPropertyDescription("Largest fraction of a payload's bytes that may be invalid in its charset before the record is rejected")
    double maxInvalidByteFraction,
    @JsonPropertyDescription("Payload media types that become documents; other responses are rejected as skipped_content_type")
    List<String> contentTypes) {

  // 16 MiB: far above any real HTML page (the HTTP Archive's median is ~30 KB), low enough that
  // one task never holds a gzip bomb's worth of bytes.
  public static final IngestConfig DEFAULTS = new IngestConfig(List.of(), "work/ingest", 16L << 20, 0.01,
      List.of("text/html", "application/xhtml+xml", "text/plain"));

  public IngestConfig withInput(List<String> v) {
    return new IngestConfig(v, output, maxRecordBytes, maxInvalidByteFraction, contentTypes);
  }

  public IngestConfig withOutput(String v) {
    return new IngestConfig(input, v, maxRecordBytes, maxInvalidByteFraction, contentTypes);
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
  }
}
