package org.sparklm.model.config;

import java.util.Collection;
import java.util.List;

/** Range checks for the compact constructors of config records; field names are YAML keys. */
public final class Check {
  private Check() {}

  public static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new InvalidValueException(field, "must be set");
    }
    return value;
  }

  public static String notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidValueException(field, "must be a non-empty string");
    }
    return value;
  }

  public static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw new InvalidValueException(field, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  public static long between(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public static double between(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new InvalidValueException(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public static String oneOf(String field, String value, Collection<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw new InvalidValueException(field, "must be one of " + allowed + ", got " + (value == null ? "nothing" : "'" + value + "'"));
    }
    return value;
  }

  /** An immutable copy; null becomes empty (a YAML key given with no value). */
  public static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }
}
