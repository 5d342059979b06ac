package org.sparklm.jobs.common;

/**
 * A job could not do what it was asked, for a reason the user can fix: a missing input, a bad
 * path, an unusable table. The message is the one line printed on stderr; it names the input, the
 * key or the record.
 */
public class JobException extends RuntimeException {
  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }
}
