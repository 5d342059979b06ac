package org.sparklm.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.config.ConfigLoader;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.model.gpt.GptConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the GPT on token shards (or text as bytes) into checkpoints/step-N/ and a train_metrics table. "
        + "Rerun with the same --output to resume from the last checkpoint.")
public final class TrainCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH", description = "A tokenize output folder (token shards), or text files/folders/globs read as bytes; repeatable (setting train.input; train.input_format=auto tells them apart)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Run folder (setting train.output)")
  String output;

  @Option(names = "--workers", paramLabel = "N", description = "Data-parallel workers; 1 trains on the driver (setting train.workers)")
  Integer workers;

  @Option(names = "--model", paramLabel = "PRESET", description = "Model preset for the train.model section: tiny, small, gpt2-124m; "
      + "applied over the --config file and under --set, so --set train.model.KEY=... still changes one key")
  String model;

  @Option(names = "--device", paramLabel = "DEV", description = "auto, cpu, gpu or gpuN (setting train.loop.device)")
  String device;

  @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps in total (setting train.loop.max_steps)")
  Long steps;

  /** Defaults, the --config file, the --model preset, then --set, then the other options. */
  @Override
  protected SparklmConfig config() {
    List<String> overrides = new ArrayList<>();
    if (model != null) {
      GptConfig chosen;
      try {
        chosen = GptConfig.preset(model);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--model " + model, "train.model", e.getMessage());
      }
      JsonNode preset = new ObjectMapper().valueToTree(ConfigLoader.fromJson(ConfigLoader.toJson(chosen), java.util.Map.class));
      preset.fields().forEachRemaining(e -> overrides.add("train.model." + e.getKey() + "=" + e.getValue().asText()));
    }
    overrides.addAll(common.overrides());
    return applyOptions(SparklmConfig.load(common.config(), overrides));
  }

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    TrainJobConfig t = c.train();
    if (input != null) {
      t = t.withInput(input);
    }
    if (output != null) {
      t = t.withOutput(output);
    }
    if (workers != null) {
      t = t.withWorkers(workers);
    }
    if (device != null) {
      t = t.withLoop(t.loop().withDevice(device));
    }
    if (steps != null) {
      t = t.withLoop(t.loop().withMaxSteps(steps));
    }
    c = c.withTrain(t);
    // data-parallel: Spark's barrier scheduling settings (unless spark-submit or the config set them)
    return t.workers() > 1 ? c.withSpark(org.sparklm.jobs.train.dist.DistributedTrainJob.barrierDefaults(c.spark())) : c;
  }

  @Override
  public List<String> settingsSections() {
    return List.of("train", "distributed", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    TrainJobConfig t = config.train();
    if (t.workers() > 1) {
      // N workers: one Spark barrier task per executor JVM, gradients averaged over a socket ring
      // (org.sparklm.jobs.train.dist, docs/training.md); the same train.* settings, plus distributed.*
      org.sparklm.jobs.train.dist.DistributedTrainJob.run(spark, t, config.distributed(), out());
      return 0;
    }
    TrainJob.Result r = TrainJob.run(spark, config.train(), out());
    out().printf("train: %d steps (from %d) -> final loss %.4f, held-out loss %.4f vs unigram %.4f nats/token, "
            + "%.0f tokens/s, MFU %.1f%%, %d skipped%n", r.summary().steps(), r.summary().startStep(), r.summary().finalLoss(),
        r.summary().valLoss(), r.unigramCrossEntropy(), r.summary().tokensPerSec(), 100 * r.summary().mfu(), r.summary().skipped());
    out().printf("train: wrote %s (last %s) and %s (%d rows)%n", r.checkpoints(), r.summary().lastCheckpoint(), r.metrics(), r.metricRows());
    return 0;
  }
}
