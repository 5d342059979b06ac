package org.sparklm.model.dist;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.TokenSource;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.TrainState;
import org.sparklm.model.train.Trainer;

/**
 * One rank of a data-parallel training run, with no Spark in it (the Spark task does the
 * rendezvous and hands over a connected ring): starts from the checkpoint every rank agreed on
 * (or the seeded initial weights, identical on every rank), runs {@link Trainer} steps whose
 * gradients {@link DataParallel} averages across ranks, checks every {@code checksum_every}
 * steps that the replicas are identical, and on rank 0 writes checkpoints atomically.
 *
 * <p>{@code train.tokens_per_step} is the global batch: each rank computes
 * {@code tokens_per_step / world} of it, so a run's hyper-parameters mean the same whatever the
 * number of workers.
 */
public final class DistributedWorker {
  private DistributedWorker() {}

  /**
   * What one rank needs. {@code resumeFrom} is the checkpoint folder to start from, or null;
   * {@code tokenizerHash} (the shards' tokenizer SHA-256, or the byte encoder's) is recorded in
   * the checkpoints and checked on resume; it may be null. {@code tokenizerJson} (the shards'
   * tokenizer, or null) is copied into every checkpoint, as the one-worker job does.
   */
  public record Spec(int rank, int world, GptConfig model, TrainConfig train, RankedData data, String tokenizerHash,
                     byte[] tokenizerJson, String checkpointDir, String resumeFrom, long checksumEvery, Device device,
                     Configuration conf, PrintStream log) {}

  /** One step as rank 0 saw it: loss, norm and the time split. */
  public record StepTiming(long step, double loss, double gradNorm, double lr, double computeMs, double allReduceMs,
                           double networkMs, double optimizerMs, boolean skipped) implements Serializable {}

  /** What a rank did in one attempt. */
  public record Result(int rank, int world, String device, long startStep, long endStep, long allReduceBytes,
                       long finalChecksum, String lastCheckpoint, List<StepTiming> steps) implements Serializable {}

  /** The per-rank batch: {@code tokens_per_step / world}, checked to be whole micro-batches. */
  public static TrainConfig perRank(TrainConfig global, int seqLen, int world) {
    long perMicro = (long) global.microBatch() * seqLen * world;
    if (global.tokensPerStep() % perMicro != 0) {
      throw new InvalidValueException("tokens_per_step", "with " + world + " workers must be a multiple of workers x "
          + "micro_batch x seq_len = " + world + " x " + global.microBatch() + " x " + seqLen + " = " + perMicro
          + ", got " + global.tokensPerStep());
    }
    return global.withBatch(global.microBatch(), global.tokensPerStep() / world);
  }

  /**
   * What rank {@code rank} trains with: {@link #perRank}'s batch and its own dropout seed,
   * {@code seed + rank} (the trainer draws step {@code s}'s masks from seed and step, so a resume
   * still draws the same ones). The ranks' micro-batches thus get independent masks, as the rows of
   * one worker's batch do, rather than all ranks the same; rank 0 draws what one worker would.
   * The initial weights and the data order come from {@code global.seed()} on every rank.
   */
  public static TrainConfig rankConfig(TrainConfig global, int seqLen, int world, int rank) {
    return perRank(global, seqLen, world).withSeed(global.seed() + rank);
  }

  public static Result run(Spec s, RingAllReduce ring) throws IOException {
    TrainConfig local = rankConfig(s.train(), s.model().seqLen(), s.world(), s.rank());
    Gpt gpt;
    TrainState state = null;
    if (s.resumeFrom() != null) {
      Checkpoint.Loaded c = Checkpoint.load(new Path(s.resumeFrom()), s.conf());
      if (!c.model().equals(s.model())) {
        throw new IllegalArgumentException("the checkpoint " + s.resumeFrom() + " is of another model (" + c.model()
            + "), not " + s.model() + ": use a new --output, or the same model settings to resume");
      }
      if (s.tokenizerHash() != null && c.tokenizerHash() != null && !s.tokenizerHash().equals(c.tokenizerHash())) {
        throw new IllegalArgumentException("the checkpoint " + s.resumeFrom() + " was trained with tokenizer "
            + c.tokenizerHash() + ", the data now uses " + s.tokenizerHash() + ": use a new --output");
      }
      gpt = c.toModel(s.device());
      state = c.state();
    } else {
      gpt = Gpt.create(s.model(), s.device(), s.train().seed());
    }
    TokenSource source = s.data().open(s.rank(), s.world(), s.conf());
    DataParallel dp = new DataParallel(ring);
    boolean lead = s.rank() == 0;
    List<StepTiming> steps = new ArrayList<>();
    String lastCheckpoint = s.resumeFrom();
    long max = s.train().maxSteps();
    try (gpt; Trainer t = Trainer.builder().setModel(gpt).setConfig(local).setData(source).optState(state)
        .optStepSync(dp).build()) {
      long start = t.stepsDone();
      if (lead) {
        s.log().printf(Locale.ROOT, "train: rank 0 of %d on %s: steps %d..%d, %d tokens per step (%d per rank: %d "
            + "micro-batches of %d x %d), %s%s%n", s.world(), s.device(), start, max, s.train().tokensPerStep(),
            local.tokensPerStep(), t.accumulation(), local.microBatch(), s.model().seqLen(), source.describe(),
            s.resumeFrom() == null ? "" : ", resumed from " + s.resumeFrom());
      }
      // replicas start identical (same seed or same checkpoint): prove it before the first step
      dp.checkReplicas(gpt, start, null);
      while (t.stepsDone() < max) {
        long t0 = System.nanoTime();
        double lr = t.nextLr();
        Trainer.StepResult r = t.step();
        long t1 = System.nanoTime();
        StepTiming st = new StepTiming(t.stepsDone(), r.loss(), r.gradNorm(), lr, ms(dp.enterNanos() - t0),
            ms(dp.exitNanos() - dp.enterNanos()), ms(dp.networkNanos()), ms(t1 - dp.exitNanos()), r.skipped());
        steps.add(st);
        long done = t.stepsDone();
        if (lead && (done % s.train().logEvery() == 0 || done == start + 1 || done == max || r.skipped())) {
          s.log().println("train: " + r.progressLine(max) + String.format(Locale.ROOT,
              " | compute %.1f ms, all-reduce %.1f ms, optimizer %.1f ms", st.computeMs(), st.allReduceMs(), st.optimizerMs()));
        }
        boolean checkpoint = done == max || (s.train().checkpointEvery() > 0 && done % s.train().checkpointEvery() == 0);
        if (checkpoint) {
          TrainState ts = t.state();
          dp.checkReplicas(gpt, done, ts.cursor());
          if (lead) {
            lastCheckpoint = Checkpoint.save(new Path(s.checkpointDir()), gpt, ts, s.train(), s.tokenizerHash(),
                s.tokenizerJson(), t.nextLr(), s.conf())
                .toString();
            s.log().println("train: wrote " + lastCheckpoint);
          }
        } else if (s.checksumEvery() > 0 && done % s.checksumEvery() == 0) {
          dp.checkReplicas(gpt, done, null);
        }
      }
      long bytes = ring == null ? 0 : ring.bytesSent();
      return new Result(s.rank(), s.world(), s.device().toString(), start, t.stepsDone(), bytes,
          DataParallel.checksum(gpt), lastCheckpoint, steps);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
