package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.sparklm.model.config.Check;

/**
 * What is specific to data-parallel training ({@code train --workers N}, N > 1): how the workers
 * talk, check each other and recover. The data, the model, the loop and the number of workers
 * are the {@code train} section's ({@link TrainJobConfig}), the same for one worker or many.
 */
public record DistributedConfig(
    @JsonPropertyDescription("Attempts of the training stage; each attempt after a failure resumes from the latest complete checkpoint")
    int maxAttempts,
    @JsonPropertyDescription("Seconds a worker waits for its ring neighbours to connect after the rendezvous")
    int connectTimeoutS,
    @JsonPropertyDescription("Seconds an all-reduce may see no bytes move before the peer is declared hung (covers rank 0 writing a checkpoint)")
    int ioTimeoutS,
    @JsonPropertyDescription("All-reduce chunk size in KiB: the reduce-scatter reads and adds the incoming segment in pieces of this size")
    int chunkKib,
    @JsonPropertyDescription("Compare a checksum of every worker's parameters every this many steps (and at each checkpoint); 0 only at checkpoints")
    long checksumEvery) {

  public static final DistributedConfig DEFAULTS = new DistributedConfig(3, 60, 300, 1024, 100);

  public DistributedConfig {
    Check.between("max_attempts", maxAttempts, 1, 100);
    Check.between("connect_timeout_s", connectTimeoutS, 1, 86_400);
    Check.between("io_timeout_s", ioTimeoutS, 1, 86_400);
    Check.between("chunk_kib", chunkKib, 1, 1 << 20);
    Check.atLeast("checksum_every", checksumEvery, 0);
  }
}
