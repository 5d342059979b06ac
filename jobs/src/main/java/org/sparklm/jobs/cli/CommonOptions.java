package org.sparklm.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command takes: a config file, overrides, and the Spark master. */
public final class CommonOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file (see configs/); settings not in it keep their defaults")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set ingest.max_record_bytes=1000000 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark.master setting, local[*]; spark-submit's when run by it)")
  String master;

  public Path config() {
    return config;
  }

  public List<String> overrides() {
    return overrides;
  }

  public String master() {
    return master;
  }
}
