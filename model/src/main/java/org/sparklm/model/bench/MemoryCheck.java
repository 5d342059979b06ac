package org.sparklm.model.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * The long native-memory check (too slow for a unit test): trains the {@code tiny} model for
 * {@code --steps} (default 10,000) steps and prints the process RSS and the model manager's array
 * count every 1,000 steps, on one libtorch thread, or on {@code --replicas R} replica threads
 * (the CPU default's code path: per-replica scopes, flat gradients, sliced update). Exits 1 when RSS grows by more than {@code --max-growth-mb} (default
 * 64) between the first report and the last, or when the array count changes.
 *
 * <pre>java -cp model/target/classes:$(cat cp.txt) org.sparklm.model.bench.MemoryCheck --steps 10000</pre>
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) throws IOException {
    int steps = 10_000;
    long maxGrowthMb = 64;
    int replicas = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--steps" -> steps = Integer.parseInt(args[i + 1]);
        case "--max-growth-mb" -> maxGrowthMb = Long.parseLong(args[i + 1]);
        case "--replicas" -> replicas = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int[] corpus = new int[1 << 18];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < corpus.length; i++) {
      corpus[i] = r.nextInt(256);
    }
    GptConfig cfg = GptConfig.TINY;
    TrainConfig tc = TrainConfig.DEFAULTS.withBatch(4, 4 * 64).withMaxSteps(steps).withDevice("cpu").withThreads(1)
        .withReplicas(replicas);
    long firstRss = -1;
    int firstArrays = -1;
    long lastRss = 0;
    int lastArrays = 0;
    try (Gpt gpt = Gpt.create(cfg, Device.cpu(), 1);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(tc)
             .setData(ArrayTokenRows.source(corpus, 64, 256, 1, "random")).build()) {
      for (int s = 1; s <= steps; s++) {
        t.step();
        if (s % 1000 == 0 || s == steps) {
          lastRss = rssKb();
          lastArrays = gpt.manager().getManagedArrays().size();
          if (firstRss < 0) {
            firstRss = lastRss;
            firstArrays = lastArrays;
          }
          System.out.printf(Locale.ROOT, "step %d: RSS %d MB, arrays held by the model %d (%d replicas)%n", s, lastRss / 1024,
              lastArrays, t.replicaCount());
        }
      }
    }
    long growthMb = (lastRss - firstRss) / 1024;
    boolean ok = growthMb <= maxGrowthMb && lastArrays == firstArrays;
    System.out.printf(Locale.ROOT, "%s: RSS grew %d MB after the first report (limit %d MB); arrays %d -> %d%n",
        ok ? "OK" : "FAIL", growthMb, maxGrowthMb, firstArrays, lastArrays);
    System.exit(ok ? 0 : 1);
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
