package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.gpt.GptConfig;

/**
 * The {@code train} command's job settings: where the data and the output are, how many
 * data-parallel workers, and how the workers talk and recover. The model and optimizer settings
 * are the {@code train} section ({@link org.sparklm.model.train.TrainConfig}).
 */
public record DistributedConfig(
    @JsonPropertyDescription("Data-parallel workers: one Spark barrier task per worker, each in its own executor JVM (set spark.task.cpus = spark.executor.cores); 1 also runs in local mode")
    int workers,
    @JsonPropertyDescription("Text files or folders to train on, read as UTF-8 bytes (vocabulary 256); on a cluster a path every executor can read")
    List<String> input,
    @JsonPropertyDescription("Output folder on shared storage: checkpoints/ (written by rank 0, atomically) and the train_steps table")
    String output,
    @JsonPropertyDescription("Model preset: tiny, small or gpt2-124m")
    String model,
    @JsonPropertyDescription("Attempts of the training stage; each attempt after a failure resumes from the latest complete checkpoint")
    int maxAttempts,
    @JsonPropertyDescription("Seconds a worker waits for its ring neighbours to connect after the rendezvous")
    int connectTimeoutS,
    @JsonPropertyDescription("Seconds an all-reduce may see no bytes move before the peer is declared hung (covers rank 0 writing a checkpoint)")
    int ioTimeoutS,
    @JsonPropertyDescription("All-reduce chunk size in KiB: each ring step sends its segment in chunks of this size while receiving")
    int chunkKib,
    @JsonPropertyDescription("Compare a checksum of every worker's parameters every this many steps (and at each checkpoint); 0 only at checkpoints")
    long checksumEvery) {

  public static final DistributedConfig DEFAULTS = new DistributedConfig(1, List.of(), "work/train", "small", 3, 60, 300,
      1024, 100);

  public DistributedConfig {
    Check.between("workers", workers, 1, 4096);
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.oneOf("model", model, new java.util.TreeSet<>(GptConfig.PRESETS.keySet()));
    Check.between("max_attempts", maxAttempts, 1, 100);
    Check.between("connect_timeout_s", connectTimeoutS, 1, 86_400);
    Check.between("io_timeout_s", ioTimeoutS, 1, 86_400);
    Check.between("chunk_kib", chunkKib, 1, 1 << 20);
    Check.atLeast("checksum_every", checksumEvery, 0);
  }

  public DistributedConfig withWorkers(int v) {
    return new DistributedConfig(v, input, output, model, maxAttempts, connectTimeoutS, ioTimeoutS, chunkKib, checksumEvery);
  }

  public DistributedConfig withInput(List<String> v) {
    return new DistributedConfig(workers, v, output, model, maxAttempts, connectTimeoutS, ioTimeoutS, chunkKib, checksumEvery);
  }

  public DistributedConfig withOutput(String v) {
    return new DistributedConfig(workers, input, v, model, maxAttempts, connectTimeoutS, ioTimeoutS, chunkKib, checksumEvery);
  }

  public DistributedConfig withModel(String v) {
    return new DistributedConfig(workers, input, output, v, maxAttempts, connectTimeoutS, ioTimeoutS, chunkKib, checksumEvery);
  }
}
