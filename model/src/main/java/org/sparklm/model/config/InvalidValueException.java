package org.sparklm.model.config;

/**
 * Thrown by a config record's compact constructor when one of its own fields is out of range.
 * {@link ConfigLoader} turns it into a {@link ConfigException} naming the file and the full key.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private final String field;

  public InvalidValueException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return getMessage().substring(field.length() + 2);
  }
}
