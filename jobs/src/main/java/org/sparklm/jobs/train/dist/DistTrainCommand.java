package org.sparklm.jobs.train.dist;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.DistributedConfig;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.SparkSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-dp", mixinStandardHelpOptions = true,
    description = "Pretrain a GPT on text with N data-parallel workers (Spark barrier mode, one worker per executor "
        + "JVM, gradients averaged over a socket ring every step). Resumes from the newest checkpoint in "
        + "OUTPUT/checkpoints; a failed attempt is retried from it. See docs/training.md.")
public final class DistTrainCommand extends SparkCommand {
  @Option(names = "--workers", paramLabel = "N", description = "Data-parallel workers (setting distributed.workers)")
  Integer workers;

  @Option(names = "--input", paramLabel = "PATH", description = "Text file or folder; repeatable (setting distributed.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting distributed.output)")
  String output;

  @Option(names = "--model", paramLabel = "PRESET", description = "tiny, small or gpt2-124m (setting distributed.model)")
  String model;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    DistributedConfig d = c.distributed();
    if (workers != null) {
      d = d.withWorkers(workers);
    }
    if (input != null) {
      d = d.withInput(input);
    }
    if (output != null) {
      d = d.withOutput(output);
    }
    if (model != null) {
      d = d.withModel(model);
    }
    return c.withDistributed(d).withSpark(barrierDefaults(c.spark()));
  }

  /** Adds the barrier scheduling properties unless spark-submit or the config set them. */
  public static SparkSettings barrierDefaults(SparkSettings s) {
    org.apache.spark.SparkConf submitted = new org.apache.spark.SparkConf();
    java.util.Map<String, String> conf = new java.util.TreeMap<>(s.conf());
    for (String[] kv : DistributedTrainJob.BARRIER_DEFAULTS) {
      if (!submitted.contains(kv[0])) {
        conf.putIfAbsent(kv[0], kv[1]);
      }
    }
    return new SparkSettings(s.master(), s.appName(), conf);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("distributed", "train_dp", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    DistributedTrainJob.run(spark, config.distributed(), config.trainDp(), out());
    return 0;
  }
}
