package org.sparklm.udfs.ingest;

/** Why a record went to the {@code rejects} table: the values of its {@code reason} column. */
public final class Reasons {
  private Reasons() {}

  /** The file is not a WARC file at all (nothing could be read from its first record). */
  public static final String NOT_WARC = "not_warc";
  /** The file ends inside a record (a cut download, a truncated gzip member). */
  public static final String TRUNCATED = "truncated";
  /**
   * A WARC record whose headers or framing cannot be parsed: when the framing is broken the rest
   * of the file goes with it; a framed record with unusable headers is rejected alone.
   */
  public static final String CORRUPT_RECORD = "corrupt_record";
  /** A response record whose HTTP status line or headers cannot be parsed. */
  public static final String MALFORMED_HTTP = "malformed_http";
  /** The HTTP status is not 2xx (redirects, errors): no document content. */
  public static final String HTTP_STATUS = "http_status";
  /** The payload is not one of the content types kept ({@code ingest.content_types}). */
  public static final String CONTENT_TYPE = "skipped_content_type";
  /** The decoded payload exceeds {@code ingest.max_record_bytes} (also stops gzip bombs). */
  public static final String TOO_LARGE = "too_large";
  /** Too many bytes are invalid in the page's charset ({@code ingest.max_invalid_byte_fraction}). */
  public static final String INVALID_ENCODING = "invalid_encoding";
  /** The payload's Content-Encoding cannot be decoded. */
  public static final String BAD_CONTENT_ENCODING = "bad_content_encoding";
  /** Main-content extraction hit its per-record size or time limit ({@code ingest.max_extract_*}). */
  public static final String EXTRACT_LIMIT = "extract_limit";
  /** A JSONL line that is not a JSON object, or lacks the configured text field. */
  public static final String BAD_LINE = "bad_line";
  /** The file could not be opened or read. */
  public static final String READ_ERROR = "read_error";
}
