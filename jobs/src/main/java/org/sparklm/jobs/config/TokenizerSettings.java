package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.sparklm.model.config.Check;

/** Which tokenizer the tokenize job, the checks and the SQL functions use. */
public record TokenizerSettings(
    @JsonPropertyDescription("Tokenizer folder (holding tokenizer.json, as train-tokenizer writes it) or a tokenizer.json file; "
        + "used by tokenize and by sparklm_tokenize/sparklm_detokenize/sparklm_count_tokens in SQL")
    String path) {

  // train-tokenizer's default output, so the two run in a row with no setting.
  public static final TokenizerSettings DEFAULTS = new TokenizerSettings("work/tokenizer");

  public TokenizerSettings {
    Check.notBlank("path", path);
  }
}
