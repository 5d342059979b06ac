package org.sparklm.model.train;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.model.optim.LrSchedule;

/**
 * How to train: batch, optimizer, schedule, safety nets, precision. The defaults are nanoGPT's
 * GPT-2 recipe (AdamW 0.9/0.95, weight decay 0.1, clip 1.0, cosine to lr/10) scaled to the
 * {@code small} model on CPU.
 */
public record TrainConfig(
    @JsonPropertyDescription("Rows (sequences) per micro-batch: one forward/backward pass")
    int microBatch,
    @JsonPropertyDescription("Tokens per optimizer step; micro-batches are accumulated to reach it (a multiple of micro_batch x seq_len)")
    long tokensPerStep,
    @JsonPropertyDescription("Optimizer steps to run in total")
    long maxSteps,
    @JsonPropertyDescription("Peak learning rate, reached after the warmup")
    double lr,
    @JsonPropertyDescription("Learning-rate floor at the end of the cosine decay (nanoGPT: lr/10)")
    double minLr,
    @JsonPropertyDescription("Steps of linear warmup from 0 to lr")
    long warmupSteps,
    @JsonPropertyDescription("Step at which the cosine decay reaches min_lr; 0 means max_steps")
    long decaySteps,
    @JsonPropertyDescription("AdamW decoupled weight decay, applied to 2-D weights only")
    double weightDecay,
    @JsonPropertyDescription("AdamW beta1")
    double beta1,
    @JsonPropertyDescription("AdamW beta2 (0.95 for GPT pretraining)")
    double beta2,
    @JsonPropertyDescription("AdamW epsilon")
    double eps,
    @JsonPropertyDescription("Clip the global gradient norm to this; 0 turns clipping off")
    double gradClip,
    @JsonPropertyDescription("Skip the update when the loss exceeds this multiple of its recent average (a spike); 0 turns spike detection off (NaN/inf always skip)")
    double spikeFactor,
    @JsonPropertyDescription("Stop with an error after this many consecutive skipped steps")
    int maxConsecutiveSkips,
    @JsonPropertyDescription("Seed of the initial weights, the data order and dropout")
    long seed,
    @JsonPropertyDescription("Device: auto (first GPU if visible, else CPU), cpu, gpu or gpuN")
    String device,
    @JsonPropertyDescription("fp32, or fp16 (GPU only: fp16 matmuls, fp32 master weights, dynamic loss scaling)")
    String precision,
    @JsonPropertyDescription("Write a checkpoint every this many steps (and at the end); 0 only at the end")
    long checkpointEvery,
    @JsonPropertyDescription("Print a progress line every this many steps")
    int logEvery,
    @JsonPropertyDescription("libtorch intra-op CPU threads (per replica when replicas > 1); 0 keeps libtorch's default (one per core), or 1 per replica. 1 is far faster on a machine whose cores are busy with other work")
    int threads,
    @JsonPropertyDescription("CPU only: threads that each run a slice of every micro-batch through their own forward and backward pass with single-threaded libtorch, gradients summed in a fixed order (same result every run). 0 = one per core when the device is the CPU, threads is 0 and dropout is 0; else 1. On small models this beats libtorch's own threads (1.3x on 2 cores)")
    int replicas) {

  public static final List<String> PRECISIONS = List.of("fp32", "fp16");

  public static final TrainConfig DEFAULTS = new TrainConfig(16, 16 * 256, 2000, 1e-3, 1e-4, 100, 0,
      0.1, 0.9, 0.95, 1e-8, 1.0, 3.0, 20, 1337, "auto", "fp32", 500, 10, 0, 0);

  public TrainConfig {
    Check.between("micro_batch", microBatch, 1, 1 << 20);
    Check.atLeast("tokens_per_step", tokensPerStep, 1);
    Check.atLeast("max_steps", maxSteps, 1);
    Check.between("lr", lr, 1e-9, 10.0);
    Check.between("min_lr", minLr, 0.0, lr);
    Check.atLeast("warmup_steps", warmupSteps, 0);
    Check.atLeast("decay_steps", decaySteps, 0);
    if (decaySteps != 0 && decaySteps < warmupSteps) {
      throw new InvalidValueException("decay_steps", "must be >= warmup_steps (" + warmupSteps + ") or 0, got " + decaySteps);
    }
    Check.between("weight_decay", weightDecay, 0.0, 1.0);
    Check.between("beta1", beta1, 0.0, 0.999999);
    Check.between("beta2", beta2, 0.0, 0.999999);
    Check.between("eps", eps, 1e-12, 1.0);
    Check.between("grad_clip", gradClip, 0.0, 1e6);
    Check.between("spike_factor", spikeFactor, 0.0, 1e6);
    if (spikeFactor != 0 && spikeFactor <= 1) {
      throw new InvalidValueException("spike_factor", "must be > 1 (e.g. 3: a loss 3x its recent average) or 0 for off, got " + spikeFactor);
    }
    Check.between("max_consecutive_skips", maxConsecutiveSkips, 1, 1 << 20);
    Check.notBlank("device", device);
    if (!device.matches("auto|cpu|gpu\\d*")) {
      throw new InvalidValueException("device", "must be auto, cpu, gpu or gpuN (e.g. gpu1), got '" + device + "'");
    }
    Check.oneOf("precision", precision, PRECISIONS);
    Check.atLeast("checkpoint_every", checkpointEvery, 0);
    Check.between("log_every", logEvery, 1, 1 << 20);
    Check.between("threads", threads, 0, 4096);
    Check.between("replicas", replicas, 0, 4096);
  }

  /** Micro-batches per optimizer step, checked against the model's sequence length. */
  public int accumulation(int seqLen) {
    long perMicro = (long) microBatch * seqLen;
    if (tokensPerStep % perMicro != 0) {
      long lower = Math.max(perMicro, tokensPerStep / perMicro * perMicro);
      throw new InvalidValueException("tokens_per_step", "must be a multiple of micro_batch x seq_len = "
          + microBatch + " x " + seqLen + " = " + perMicro + ", got " + tokensPerStep + ": use " + lower
          + " or " + (lower + perMicro));
    }
    return Math.toIntExact(tokensPerStep / perMicro);
  }

  public LrSchedule schedule() {
    return new LrSchedule(lr, minLr, warmupSteps, decaySteps == 0 ? Math.max(maxSteps, warmupSteps) : decaySteps);
  }

  public TrainConfig withMaxSteps(long v) {
    return new TrainConfig(microBatch, tokensPerStep, v, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1, beta2,
        eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, checkpointEvery, logEvery, threads, replicas);
  }

  public TrainConfig withBatch(int micro, long tokens) {
    return new TrainConfig(micro, tokens, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1, beta2,
        eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, checkpointEvery, logEvery, threads, replicas);
  }

  public TrainConfig withDevice(String v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, v, precision, checkpointEvery, logEvery, threads, replicas);
  }

  public TrainConfig withPrecision(String v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, v, checkpointEvery, logEvery, threads, replicas);
  }

  public TrainConfig withThreads(int v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, checkpointEvery, logEvery, v, replicas);
  }

  public TrainConfig withReplicas(int v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, checkpointEvery, logEvery, threads, v);
  }

  public TrainConfig withCheckpointEvery(long v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, v, logEvery, threads, replicas);
  }

  public TrainConfig withSeed(long v) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, lr, minLr, warmupSteps, decaySteps, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, v, device, precision, checkpointEvery, logEvery, threads, replicas);
  }

  public TrainConfig withSchedule(double maxLr, double floor, long warmup, long decay) {
    return new TrainConfig(microBatch, tokensPerStep, maxSteps, maxLr, floor, warmup, decay, weightDecay, beta1,
        beta2, eps, gradClip, spikeFactor, maxConsecutiveSkips, seed, device, precision, checkpointEvery, logEvery, threads, replicas);
  }
}
