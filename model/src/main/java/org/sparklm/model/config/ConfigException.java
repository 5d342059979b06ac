package org.sparklm.model.config;

/**
 * A configuration that cannot be used. The message is one line a user can act on: it names the
 * source (a file, a {@code --set} override or the defaults), the full key, and what is allowed.
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final String key;

  public ConfigException(String source, String key, String message) {
    super(source + ": " + (key.isEmpty() ? "" : "key '" + key + "' ") + message);
    this.source = source;
    this.key = key;
  }

  /** Where the bad value came from: a file path, {@code --set key=value}, or {@code defaults}. */
  public String source() {
    return source;
  }

  /** The full dotted key, e.g. {@code ingest.max_record_bytes}; empty for a whole-file problem. */
  public String key() {
    return key;
  }
}
