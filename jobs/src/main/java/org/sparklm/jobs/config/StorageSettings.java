package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.TreeMap;
import org.sparklm.model.config.Check;

/** Where the project's tables live, for {@code bin/sparklm sql} and the jobs that read them. */
public record StorageSettings(
    @JsonPropertyDescription("Folder (any Hadoop path) whose job outputs are registered as SQL tables by name")
    String warehouse,
    @JsonPropertyDescription("More tables by name: table name -> Parquet folder")
    Map<String, String> tables) {

  public static final StorageSettings DEFAULTS = new StorageSettings("work", Map.of());

  public StorageSettings {
    Check.notBlank("warehouse", warehouse);
    tables = tables == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
  }
}
