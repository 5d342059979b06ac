package org.sparklm.jobs.config;

import java.nio.file.Path;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.ConfigLoader;

/**
 * The whole configuration: one section per job plus the shared Spark, storage and tokenizer
 * settings. A YAML file under {@code configs/} sets any subset of it; every default is in the
 * sections' DEFAULTS.
 */
public record SparklmConfig(
    SparkSettings spark,
    StorageSettings storage,
    TokenizerSettings tokenizer,
    IngestConfig ingest,
    CleanConfig clean,
    DedupConfig dedup,
    TrainTokenizerConfig trainTokenizer,
    TokenizeConfig tokenize,
    TrainJobConfig train,
    DistributedConfig distributed,
    EvalConfig eval,
    ReportConfig report,
    DemoConfig demo) {

  public static final SparklmConfig DEFAULTS = new SparklmConfig(
      SparkSettings.DEFAULTS, StorageSettings.DEFAULTS, TokenizerSettings.DEFAULTS, IngestConfig.DEFAULTS, CleanConfig.DEFAULTS, DedupConfig.DEFAULTS, TrainTokenizerConfig.DEFAULTS, TokenizeConfig.DEFAULTS, TrainJobConfig.DEFAULTS, DistributedConfig.DEFAULTS, EvalConfig.DEFAULTS, ReportConfig.DEFAULTS, DemoConfig.DEFAULTS);

  public SparklmConfig {
    Check.notNull("spark", spark);
    Check.notNull("storage", storage);
    Check.notNull("tokenizer", tokenizer);
    Check.notNull("ingest", ingest);
    Check.notNull("clean", clean);
    Check.notNull("dedup", dedup);
    Check.notNull("train_tokenizer", trainTokenizer);
    Check.notNull("tokenize", tokenize);
    Check.notNull("train", train);
    Check.notNull("distributed", distributed);
    Check.notNull("eval", eval);
    Check.notNull("report", report);
    Check.notNull("demo", demo);
  }

  public SparklmConfig withSpark(SparkSettings v) {
    return new SparklmConfig(v, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withStorage(StorageSettings v) {
    return new SparklmConfig(spark, v, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withTokenizer(TokenizerSettings v) {
    return new SparklmConfig(spark, storage, v, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withIngest(IngestConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, v, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withClean(CleanConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, v, dedup, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withDedup(DedupConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, v, trainTokenizer, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withTrainTokenizer(TrainTokenizerConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, v, tokenize, train, distributed, eval, report, demo);
  }

  public SparklmConfig withTokenize(TokenizeConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, v, train, distributed, eval, report, demo);
  }

  public SparklmConfig withTrain(TrainJobConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, v, distributed, eval, report, demo);
  }

  public SparklmConfig withDistributed(DistributedConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, v, eval, report, demo);
  }

  public SparklmConfig withEval(EvalConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, v, report, demo);
  }

  public SparklmConfig withReport(ReportConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, v, demo);
  }

  public SparklmConfig withDemo(DemoConfig v) {
    return new SparklmConfig(spark, storage, tokenizer, ingest, clean, dedup, trainTokenizer, tokenize, train, distributed, eval, report, v);
  }

  public static ConfigLoader<SparklmConfig> loader() {
    return new ConfigLoader<>(SparklmConfig.class, DEFAULTS);
  }

  /** Defaults, then {@code file} (may be null), then the {@code key=value} overrides. */
  public static SparklmConfig load(Path file, List<String> overrides) {
    return loader().load(file, overrides);
  }
}
