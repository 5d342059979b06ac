package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.sparklm.model.config.Check;

/** The {@code report} command: an HTML page over the evaluation tables of the warehouse. */
public record ReportConfig(
    @JsonPropertyDescription("The HTML file written; --output")
    String output,
    @JsonPropertyDescription("Documents shown token by token, coloured by surprise (needs eval_tokens: evaluate --tokens-table)")
    int surpriseDocs,
    @JsonPropertyDescription("Most tokens shown per document in the surprise view")
    int surpriseTokens) {

  // 3 documents x 600 tokens: a screenful each, and the page stays well under a megabyte
  public static final ReportConfig DEFAULTS = new ReportConfig("work/report.html", 3, 600);

  public ReportConfig {
    Check.notBlank("output", output);
    Check.between("surprise_docs", surpriseDocs, 0, 1000);
    Check.between("surprise_tokens", surpriseTokens, 1, 1_000_000);
  }

  public ReportConfig withOutput(String v) {
    return new ReportConfig(v, surpriseDocs, surpriseTokens);
  }
}
