package org.sparklm.model.score;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * Scoring throughput benchmark (model jar and its dependencies only, no Spark):
 *
 * <pre>
 * java -cp model/target/classes:$(cat cp.txt) org.sparklm.model.score.ScoreBench --model small --threads 2 \
 *     [--rows 8] [--batches 6] [--checkpoints 1,2,4]
 * </pre>
 *
 * <p>Part 1, in one run and on the same model and rows: (a) the trainer's full step
 * (forward, backward, AdamW), (b) the training forward pass alone (grad mode on, the loss as
 * training computes it, no backward), and (c) evaluation scoring ({@link Scorer}: grad mode off,
 * per-token log-probs to the host). Tokens/s and tokens/s per core (libtorch threads).
 *
 * <p>Part 2: K checkpoints scored on the same documents as 4 "tasks" each, through
 * {@link ModelCache}: total time against K, with the load time apart; a load happens once per
 * checkpoint however many tasks use it.
 */
public final class ScoreBench {
  private ScoreBench() {}

  public static void main(String[] args) throws IOException {
    String model = "small";
    int threads = 0;
    int rows = 8;
    int batches = 6;
    List<Integer> ks = List.of(1, 2, 4);
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--model" -> { model = v; i++; }
        case "--threads" -> { threads = Integer.parseInt(v); i++; }
        case "--rows" -> { rows = Integer.parseInt(v); i++; }
        case "--batches" -> { batches = Integer.parseInt(v); i++; }
        case "--checkpoints" -> {
          ks = new ArrayList<>();
          for (String s : v.split(",")) {
            ks.add(Integer.parseInt(s.trim()));
          }
          i++;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --model --threads --rows --batches --checkpoints");
      }
    }
    Engine.getInstance();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    GptConfig cfg = GptConfig.preset(model);
    int l = cfg.seqLen();
    SplittableRandom rng = new SplittableRandom(7);
    int[] corpus = new int[(l * rows * (batches + 2)) + 1];
    for (int i = 0; i < corpus.length; i++) {
      corpus[i] = rng.nextInt(cfg.vocabSize());
    }
    System.out.printf(Locale.ROOT, "model %s (%,d params), seq_len %d, %d rows per batch, %d timed batches, %d libtorch threads%n",
        model, cfg.parameterCount(), l, rows, batches, cores);

    try (Gpt gpt = Gpt.create(cfg, Device.cpu(), 1)) {
      TrainConfig train = TrainConfig.DEFAULTS.withBatch(rows, (long) rows * l).withMaxSteps(batches + 2)
          .withDevice("cpu").withThreads(threads);
      double trainTps;
      try (Trainer t = Trainer.builder().setModel(gpt).setConfig(train)
          .setData(ArrayTokenRows.source(corpus, l, cfg.vocabSize(), 1, "random ids")).build()) {
        t.step();
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          t.step();
        }
        trainTps = (double) batches * rows * l / ((System.nanoTime() - t0) / 1e9);
      }
      // the training forward pass alone: grad mode on, graph recorded, no backward
      long[] in = new long[rows * l];
      long[] out = new long[rows * l];
      for (int i = 0; i < in.length; i++) {
        in[i] = corpus[i];
        out[i] = corpus[i + 1];
      }
      double fwdTps;
      {
        long t0 = 0;
        for (int b = -1; b < batches; b++) {
          if (b == 0) {
            t0 = System.nanoTime();
          }
          try (NDManager m = gpt.manager().newSubManager();
               GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = gpt.loss(m.create(in, new Shape(rows, l)), m.create(out, new Shape(rows, l)), true);
            loss.toFloatArray();
          }
        }
        fwdTps = (double) batches * rows * l / ((System.nanoTime() - t0) / 1e9);
      }
      Scorer scorer = new Scorer(gpt, rows);
      List<int[]> batch = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        int[] row = new int[l + 1];
        System.arraycopy(corpus, r * l, row, 0, l + 1);
        batch.add(row);
      }
      int[] keep = new int[rows];
      java.util.Arrays.fill(keep, 1);
      scorer.scoreRows(batch, keep);
      long t0 = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        scorer.scoreRows(batch, keep);
      }
      double scoreTps = (double) batches * rows * l / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(Locale.ROOT, "training step (fwd+bwd+AdamW): %,.0f tokens/s = %,.0f tokens/s/core%n", trainTps, trainTps / cores);
      System.out.printf(Locale.ROOT, "training forward pass (grad on): %,.0f tokens/s = %,.0f tokens/s/core%n", fwdTps, fwdTps / cores);
      System.out.printf(Locale.ROOT, "evaluation scoring (grad off):   %,.0f tokens/s = %,.0f tokens/s/core%n", scoreTps, scoreTps / cores);
      System.out.printf(Locale.ROOT, "scoring / training step = %.2fx; scoring / training forward = %.2fx%n",
          scoreTps / trainTps, scoreTps / fwdTps);
    }

    // part 2: K checkpoints, each scored as 4 tasks on the same documents
    java.nio.file.Path dir = Files.createTempDirectory("scorebench");
    Configuration conf = new Configuration();
    int maxK = ks.stream().mapToInt(Integer::intValue).max().orElse(1);
    List<ScoringCheckpoint.Info> infos = new ArrayList<>();
    for (int k = 0; k < maxK; k++) {
      try (Gpt g = Gpt.create(cfg, Device.cpu(), 100 + k)) {
        var state = new org.sparklm.model.train.TrainState(k + 1, org.sparklm.model.data.ShardCursor.START, 1, 0, List.of(), 0,
            java.util.Map.of(), java.util.Map.of());
        Path p = Checkpoint.save(new Path(dir.toUri().toString()), g, state, TrainConfig.DEFAULTS, ByteEncoder.HASH, 0, conf);
        infos.add(ScoringCheckpoint.info(p, conf));
      }
    }
    List<int[]> docs = new ArrayList<>();
    for (int d = 0; d < 4 * rows; d++) {
      int[] doc = new int[2 * l + 1];
      System.arraycopy(corpus, (d * 97) % (corpus.length - doc.length), doc, 0, doc.length);
      docs.add(doc);
    }
    for (int k : ks) {
      ModelCache.clear();
      long loadNs = 0;
      long t0 = System.nanoTime();
      long tokens = 0;
      for (int c = 0; c < k; c++) {
        for (int task = 0; task < 4; task++) {
          long l0 = System.nanoTime();
          long before = ModelCache.loads();
          try (ModelCache.Lease lease = ModelCache.acquire(infos.get(c), Device.cpu(), conf, 2)) {
            if (ModelCache.loads() > before) {
              loadNs += System.nanoTime() - l0;
            }
            Scorer s = new Scorer(lease.model(), rows);
            float[][] lp = s.scoreDocuments(docs.subList(task * rows, (task + 1) * rows), WindowPolicy.DISJOINT);
            for (float[] a : lp) {
              tokens += a.length;
            }
          }
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "checkpoints %d: %.2f s total, %.2f s per checkpoint, of which loading %.2f s (%d loads for %d tasks), %,.0f tokens/s%n",
          k, secs, secs / k, loadNs / 1e9 / k, k, 4 * k, tokens / secs);
    }
    ModelCache.clear();
  }
}
