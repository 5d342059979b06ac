package org.sparklm.jobs.config;

import java.nio.file.Path;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.ConfigLoader;

/**
 * The whole configuration: one section per job plus the shared Spark and storage settings. A YAML
 * file under {@code configs/} sets any subset of it; every default is in the sections' DEFAULTS.
 */
public record SparklmConfig(
    SparkSettings spark,
    StorageSettings storage,
    IngestConfig ingest,
    DemoConfig demo,
    EvalConfig eval,
    ReportConfig report) {

  public static final SparklmConfig DEFAULTS = new SparklmConfig(
      SparkSettings.DEFAULTS, StorageSettings.DEFAULTS, IngestConfig.DEFAULTS, DemoConfig.DEFAULTS,
      EvalConfig.DEFAULTS, ReportConfig.DEFAULTS);

  public SparklmConfig {
    Check.notNull("spark", spark);
    Check.notNull("storage", storage);
    Check.notNull("ingest", ingest);
    Check.notNull("demo", demo);
    Check.notNull("eval", eval);
    Check.notNull("report", report);
  }

  public SparklmConfig withSpark(SparkSettings v) {
    return new SparklmConfig(v, storage, ingest, demo, eval, report);
  }

  public SparklmConfig withStorage(StorageSettings v) {
    return new SparklmConfig(spark, v, ingest, demo, eval, report);
  }

  public SparklmConfig withIngest(IngestConfig v) {
    return new SparklmConfig(spark, storage, v, demo, eval, report);
  }

  public SparklmConfig withDemo(DemoConfig v) {
    return new SparklmConfig(spark, storage, ingest, v, eval, report);
  }

  public SparklmConfig withEval(EvalConfig v) {
    return new SparklmConfig(spark, storage, ingest, demo, v, report);
  }

  public SparklmConfig withReport(ReportConfig v) {
    return new SparklmConfig(spark, storage, ingest, demo, eval, v);
  }

  public static ConfigLoader<SparklmConfig> loader() {
    return new ConfigLoader<>(SparklmConfig.class, DEFAULTS);
  }

  /** Defaults, then {@code file} (may be null), then the {@code key=value} overrides. */
  public static SparklmConfig load(Path file, List<String> overrides) {
    return loader().load(file, overrides);
  }
}
