package org.sparklm.udfs.quality;

/**
 * Why a document was dropped: the first rule it failed, the value measured for that rule (a ratio,
 * a count or a mean, compared against the rule's threshold) and, where a number says too little,
 * a detail (the blocked domain, the bad word, the detected language). A kept document has no
 * verdict ({@code null}).
 */
public record Verdict(String rule, double value, String detail) implements java.io.Serializable {
  public Verdict(String rule, double value) {
    this(rule, value, null);
  }
}
