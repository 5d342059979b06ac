package org.sparklm.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.TokenRows;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;

/**
 * A whole training run on one worker: resumes from the newest checkpoint under
 * {@code OUTPUT/checkpoints} if there is one (else starts from a seeded init), runs to
 * {@code max_steps}, prints a progress line every {@code log_every} steps, writes
 * {@code OUTPUT/checkpoints/step-N/} every {@code checkpoint_every} steps and at the end, and
 * appends each interval's steps to {@code OUTPUT/train_metrics/}. With a validation source,
 * the held-out loss is measured at every checkpoint.
 */
public final class TrainRun {
  private TrainRun() {}

  /** What the run did. {@code valLoss} is NaN without a validation source. */
  public record Summary(long startStep, long steps, double finalLoss, double valLoss, double tokensPerSec,
                        double mfu, Path lastCheckpoint, long skipped) {}

  /**
   * Everything a run needs; {@code validation}, {@code tokenizerHash} and {@code tokenizerJson}
   * may be null. {@code tokenizerJson} (the BPE tokenizer the data was made with, whose SHA-256 is
   * {@code tokenizerHash}) is copied into every checkpoint.
   */
  public record Spec(GptConfig model, TrainConfig train, TokenSource data, TokenSource validation, int validationBatches,
                     Path output, String runName, String tokenizerHash, byte[] tokenizerJson, Configuration conf,
                     PrintStream log) {
    /** A run whose checkpoints carry no tokenizer file (byte-level data). */
    public Spec(GptConfig model, TrainConfig train, TokenSource data, TokenSource validation, int validationBatches,
                Path output, String runName, String tokenizerHash, Configuration conf, PrintStream log) {
      this(model, train, data, validation, validationBatches, output, runName, tokenizerHash, null, conf, log);
    }
  }

  public static Summary run(Spec s) throws IOException {
    Path ckDir = new Path(s.output(), "checkpoints");
    Device device = Devices.select(s.train().device());
    if (s.train().threads() > 0) {
      JniUtils.setNumThreads(s.train().threads());
    }
    Optional<Path> latest = Checkpoint.latest(ckDir, s.conf());
    Gpt gpt;
    TrainState state = null;
    if (latest.isPresent()) {
      Checkpoint.Loaded c = Checkpoint.load(latest.get(), s.conf());
      if (!c.model().equals(s.model())) {
        throw new IllegalArgumentException("the checkpoints in " + ckDir + " are of another model (" + c.model()
            + "), not " + s.model() + ": use a new --output, or the same model settings to resume");
      }
      if (s.tokenizerHash() != null && c.tokenizerHash() != null && !s.tokenizerHash().equals(c.tokenizerHash())) {
        throw new IllegalArgumentException("the checkpoints in " + ckDir + " were trained with tokenizer " + c.tokenizerHash()
            + ", the data now uses " + s.tokenizerHash() + ": use a new --output");
      }
      gpt = c.toModel(device);
      state = c.state();
      s.log().printf("train: resuming from %s (step %d)%n", latest.get(), state.step());
    } else {
      gpt = Gpt.create(s.model(), device, s.train().seed());
    }
    double peak = Devices.matmulPeak(device, device.isGpu() ? 4096 : 512,
        "fp16".equals(s.train().precision()));
    s.log().printf(Locale.ROOT, "train: %s, %,d parameters, on %s (matmul peak %.1f GFLOP/s measured now), data %s%n",
        describe(s.model()), s.model().parameterCount(), device, peak / 1e9, s.data().describe());
    MetricsTable metrics = new MetricsTable(new Path(s.output(), "train_metrics"), s.runName(), s.conf());
    long skipped = 0;
    double tokens = 0;
    double seconds = 0;
    Trainer.StepResult last = null;
    Path lastCheckpoint = latest.orElse(null);
    double valLoss = Double.NaN;
    try (gpt; Trainer t = Trainer.builder().setModel(gpt).setConfig(s.train()).setData(s.data()).optState(state)
        .optPeakFlops(peak).build()) {
      long start = t.stepsDone();
      s.log().printf("train: steps %d..%d, %d tokens per step (%d micro-batches of %d x %d)%n", start, s.train().maxSteps(),
          s.train().tokensPerStep(), t.accumulation(), s.train().microBatch(), s.model().seqLen());
      while (t.stepsDone() < s.train().maxSteps()) {
        last = t.step();
        metrics.add(last);
        skipped += last.skipped() ? 1 : 0;
        if (t.stepsDone() > start + 1) { // the first step includes warm-up
          tokens += last.tokens();
          seconds += last.stepMs() / 1000;
        }
        long done = t.stepsDone();
        if (done % s.train().logEvery() == 0 || done == start + 1 || done == s.train().maxSteps() || last.skipped()) {
          s.log().println("train: " + last.progressLine(s.train().maxSteps()));
        }
        boolean end = done == s.train().maxSteps();
        if (end || (s.train().checkpointEvery() > 0 && done % s.train().checkpointEvery() == 0)) {
          if (s.validation() != null) {
            valLoss = validationLoss(gpt, s.validation(), s.train().microBatch(), s.validationBatches());
            s.log().printf(Locale.ROOT, "train: step %d validation loss %.4f (%d batches)%n", done, valLoss, s.validationBatches());
            metrics.setValidationLoss(valLoss);
          }
          lastCheckpoint = Checkpoint.save(ckDir, gpt, t.state(), s.train(), s.tokenizerHash(), s.tokenizerJson(), t.nextLr(),
              s.conf());
          metrics.flush();
          s.log().println("train: wrote " + lastCheckpoint);
        }
      }
      double tps = seconds > 0 ? tokens / seconds : Double.NaN;
      return new Summary(start, t.stepsDone() - start, last == null ? Double.NaN : last.loss(), valLoss, tps,
          s.model().flopsPerToken() * tps / peak, lastCheckpoint, skipped);
    }
  }

  /** Mean next-token loss over the first {@code batches} micro-batches of a held-out source, no autograd. */
  public static double validationLoss(Gpt gpt, TokenSource source, int microBatch, int batches) throws IOException {
    int seqLen = gpt.config().seqLen();
    int[] row = new int[source.seqLen() + 1];
    long[] in = new long[microBatch * seqLen];
    long[] out = new long[microBatch * seqLen];
    double sum = 0;
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (TokenRows rows = source.open(ShardCursor.START)) {
      for (int b = 0; b < batches; b++) {
        for (int r = 0; r < microBatch; r++) {
          rows.next(row);
          for (int j = 0; j < seqLen; j++) {
            in[r * seqLen + j] = row[j];
            out[r * seqLen + j] = row[j + 1];
          }
        }
        try (NDManager m = gpt.manager().newSubManager()) {
          Shape shape = new Shape(microBatch, seqLen);
          sum += gpt.loss(m.create(in, shape), m.create(out, shape), false).getFloat();
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    return sum / batches;
  }

  static String describe(GptConfig c) {
    return String.format(Locale.ROOT, "GPT d_model %d, %d layers, %d heads, seq_len %d, vocab %d, %s positions",
        c.dModel(), c.layers(), c.heads(), c.seqLen(), c.vocabSize(), c.positional());
  }
}
