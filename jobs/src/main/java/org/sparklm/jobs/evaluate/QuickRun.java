package org.sparklm.jobs.evaluate;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.score.ByteEncoder;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * A short real training run of the {@code tiny} byte-level model with the trainer API, leaving
 * {@code <runDir>/checkpoints/step-N/} every few steps: the byte-level checkpoints the evaluation
 * tests score (the demo evaluates its train stage's BPE run).
 */
public final class QuickRun {
  private QuickRun() {}

  /** Trains {@code steps} steps on {@code corpus} (byte ids), a checkpoint every {@code every}. */
  public static List<Path> train(int[] corpus, Path runDir, int steps, int every, long seed, Configuration conf)
      throws IOException {
    GptConfig model = GptConfig.TINY;
    TrainConfig train = TrainConfig.DEFAULTS.withBatch(8, 8L * model.seqLen()).withMaxSteps(steps)
        .withSchedule(3e-3, 3e-4, Math.min(5, steps), 0).withDevice("cpu").withThreads(1);
    List<Path> out = new ArrayList<>();
    Path dir = new Path(runDir, "checkpoints");
    try (Gpt gpt = Gpt.create(model, Device.cpu(), seed);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(train)
             .setData(ArrayTokenRows.source(corpus, model.seqLen(), model.vocabSize(), seed, "quick run")).build()) {
      for (int s = 1; s <= steps; s++) {
        t.step();
        if (s % every == 0 || s == steps) {
          out.add(Checkpoint.save(dir, gpt, t.state(), train, ByteEncoder.HASH, t.nextLr(), conf));
        }
      }
    }
    return out;
  }

  /** Byte ids of {@code text} (UTF-8). */
  public static int[] bytes(String text) {
    return ByteEncoder.INSTANCE.encode(text);
  }
}
