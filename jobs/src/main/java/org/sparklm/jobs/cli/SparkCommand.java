package org.sparklm.jobs.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.common.Sessions;
import org.sparklm.jobs.config.SparklmConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command that runs on Spark: loads the config (defaults, file, {@code --set},
 * then the command's own options), starts the session, runs, and stops the session.
 */
public abstract class SparkCommand implements Callable<Integer> {
  @Mixin
  protected CommonOptions common;

  @Spec
  protected CommandSpec spec;

  /** The config after the command's own options are applied. */
  protected SparklmConfig config() {
    java.nio.file.Path file = common.config() != null ? common.config() : defaultConfigFile();
    return applyOptions(SparklmConfig.load(file, common.overrides()));
  }

  /** The config file used when {@code --config} is not given; null means defaults only. */
  protected java.nio.file.Path defaultConfigFile() {
    return null;
  }

  /** Folds the command's own options (e.g. {@code --input}) into the config. */
  protected SparklmConfig applyOptions(SparklmConfig config) {
    return config;
  }

  protected abstract int run(SparkSession spark, SparklmConfig config) throws Exception;

  /** Settings sections listed with their defaults by {@code --help}, e.g. {@code ingest}. */
  public List<String> settingsSections() {
    return List.of();
  }

  @Override
  public Integer call() throws Exception {
    SparklmConfig config = config();
    // a session that was already running (an embedding application, a notebook, tests) is
    // reused and left running; one made here is stopped here
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = Sessions.create(config.spark(), common.master());
    try {
      return run(spark, config);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }

  protected PrintStream out() {
    return System.out;
  }

  protected String name() {
    return spec.qualifiedName();
  }
}
