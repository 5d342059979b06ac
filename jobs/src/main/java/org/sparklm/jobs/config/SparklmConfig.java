package org.sparklm.jobs.config;

import java.nio.file.Path;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.ConfigLoader;
import org.sparklm.model.train.TrainConfig;

/**
 * The whole configuration: one section per job plus the shared Spark and storage settings. A YAML
 * file under {@code configs/} sets any subset of it; every default is in the sections' DEFAULTS.
 */
public record SparklmConfig(
    SparkSettings spark,
    StorageSettings storage,
    IngestConfig ingest,
    DemoConfig demo,
    TrainConfig train,
    DistributedConfig distributed) {

  public static final SparklmConfig DEFAULTS = new SparklmConfig(
      SparkSettings.DEFAULTS, StorageSettings.DEFAULTS, IngestConfig.DEFAULTS, DemoConfig.DEFAULTS,
      TrainConfig.DEFAULTS, DistributedConfig.DEFAULTS);

  public SparklmConfig {
    Check.notNull("spark", spark);
    Check.notNull("storage", storage);
    Check.notNull("ingest", ingest);
    Check.notNull("demo", demo);
    Check.notNull("train", train);
    Check.notNull("distributed", distributed);
  }

  public SparklmConfig withSpark(SparkSettings v) {
    return new SparklmConfig(v, storage, ingest, demo, train, distributed);
  }

  public SparklmConfig withStorage(StorageSettings v) {
    return new SparklmConfig(spark, v, ingest, demo, train, distributed);
  }

  public SparklmConfig withIngest(IngestConfig v) {
    return new SparklmConfig(spark, storage, v, demo, train, distributed);
  }

  public SparklmConfig withDemo(DemoConfig v) {
    return new SparklmConfig(spark, storage, ingest, v, train, distributed);
  }

  public SparklmConfig withTrain(TrainConfig v) {
    return new SparklmConfig(spark, storage, ingest, demo, v, distributed);
  }

  public SparklmConfig withDistributed(DistributedConfig v) {
    return new SparklmConfig(spark, storage, ingest, demo, train, v);
  }

  public static ConfigLoader<SparklmConfig> loader() {
    return new ConfigLoader<>(SparklmConfig.class, DEFAULTS);
  }

  /** Defaults, then {@code file} (may be null), then the {@code key=value} overrides. */
  public static SparklmConfig load(Path file, List<String> overrides) {
    return loader().load(file, overrides);
  }
}
