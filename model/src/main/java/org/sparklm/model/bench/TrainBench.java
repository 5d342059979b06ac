package org.sparklm.model.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.Devices;
import org.sparklm.model.train.TokenSource;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * Training throughput benchmark, runnable from the model jar and its runtime dependencies alone
 * (no Spark), so it can be carried to a GPU host:
 *
 * <pre>
 * java -cp model/target/sparklm-model-0.1.0-SNAPSHOT.jar:$(cat cp.txt) org.sparklm.model.bench.TrainBench \
 *     --model tiny --steps 50 --micro-batch 16 --device cpu [--data FILE] [--seq-len 128]
 * </pre>
 *
 * <p>It first measures the device's fp32 (or fp16) matmul peak with square matmuls, then trains
 * the model for {@code --warmup} untimed and {@code --steps} timed steps on random ids or the
 * bytes of {@code --data}, and prints tokens/s, step ms and MFU against that peak, all from the
 * same run (the machine's load at the time is in both numbers).
 */
public final class TrainBench {
  private TrainBench() {}

  public static void main(String[] args) throws IOException {
    String model = "tiny";
    int steps = 30;
    // 30 untimed steps: the JIT compiles DJL's and the trainer's Java paths during the first
    // ~20 steps (perf: C2 on the second core, 6% of all samples in a 5-step warm-up run), which
    // preempts libtorch's second OpenMP thread; a training run is thousands of steps
    int warmup = 30;
    int micro = 16;
    int accum = 1;
    int seqLen = 0;
    String device = "auto";
    String precision = "fp32";
    String data = null;
    int matmulN = 1024;
    int dModel = 0;
    int layers = 0;
    int heads = 0;
    int vocab = 0;
    int threads = 0;
    int replicas = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--model" -> { model = v; i++; }
        case "--steps" -> { steps = Integer.parseInt(v); i++; }
        case "--warmup" -> { warmup = Integer.parseInt(v); i++; }
        case "--micro-batch" -> { micro = Integer.parseInt(v); i++; }
        case "--accumulation" -> { accum = Integer.parseInt(v); i++; }
        case "--seq-len" -> { seqLen = Integer.parseInt(v); i++; }
        case "--device" -> { device = v; i++; }
        case "--precision" -> { precision = v; i++; }
        case "--data" -> { data = v; i++; }
        case "--matmul-size" -> { matmulN = Integer.parseInt(v); i++; }
        case "--d-model" -> { dModel = Integer.parseInt(v); i++; }
        case "--layers" -> { layers = Integer.parseInt(v); i++; }
        case "--heads" -> { heads = Integer.parseInt(v); i++; }
        case "--vocab" -> { vocab = Integer.parseInt(v); i++; }
        case "--threads" -> { threads = Integer.parseInt(v); i++; }
        case "--replicas" -> { replicas = Integer.parseInt(v); i++; }
        case "--help", "-h" -> {
          System.out.println("TrainBench --model tiny|small|gpt2-124m --steps N --warmup N --micro-batch B "
              + "--accumulation A --seq-len T --device auto|cpu|gpuN --precision fp32|fp16 --data TEXTFILE --matmul-size N "
              + "--d-model D --layers L --heads H --vocab V (override the preset) --threads N (libtorch intra-op threads, per replica) "
              + "--replicas R (CPU: threads each running a slice of the micro-batch; 0 = one per core unless --threads is set)");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + a + " (--help lists them)");
      }
    }
    GptConfig cfg = GptConfig.preset(model);
    if (seqLen > 0) {
      cfg = cfg.withSeqLen(seqLen);
    }
    if (dModel > 0 || layers > 0 || heads > 0 || vocab > 0) {
      cfg = new GptConfig(vocab > 0 ? vocab : cfg.vocabSize(), cfg.seqLen(), dModel > 0 ? dModel : cfg.dModel(),
          heads > 0 ? heads : cfg.heads(), layers > 0 ? layers : cfg.layers(), cfg.mlpRatio(), cfg.dropout(),
          cfg.positional(), cfg.tiedHead(), cfg.bias());
      model = model + "+overrides";
    }
    if (threads > 0) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
    Device dev = Devices.select(device);
    System.out.printf(Locale.ROOT, "TrainBench: %s (%,d parameters, d_model %d, %d layers, seq_len %d) on %s, %s, "
            + "torch threads %s, TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=%s%n", model, cfg.parameterCount(), cfg.dModel(),
        cfg.layers(), cfg.seqLen(), dev, precision, ai.djl.pytorch.jni.JniUtils.getNumThreads(),
        System.getenv().getOrDefault("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "unset"));
    if (dev.isGpu() && System.getenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE") == null && "fp32".equals(precision)) {
      System.out.println("TrainBench: note: export TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 before starting the JVM for TF32 matmuls");
    }
    double peak = Devices.matmulPeak(dev, matmulN, "fp16".equals(precision));
    System.out.printf(Locale.ROOT, "matmul peak: %.1f GFLOP/s (%dx%d, %s)%n", peak / 1e9, matmulN, matmulN, precision);

    int[] corpus;
    vocab = cfg.vocabSize();
    if (data != null) {
      byte[] bytes = Files.readAllBytes(Path.of(data));
      corpus = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        corpus[i] = bytes[i] & 0xff;
      }
    } else {
      corpus = new int[Math.max(1 << 20, (micro * accum * (warmup + steps) + 1) * (cfg.seqLen() + 1))];
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < corpus.length; i++) {
        corpus[i] = r.nextInt(vocab);
      }
    }
    TokenSource src = ArrayTokenRows.source(corpus, cfg.seqLen(), data != null ? 256 : vocab, 1, data != null ? data : "random ids");
    TrainConfig tc = TrainConfig.DEFAULTS.withBatch(micro, (long) micro * accum * cfg.seqLen())
        .withMaxSteps(warmup + steps).withDevice(device).withPrecision(precision).withThreads(threads)
        .withReplicas(replicas);
    try (Gpt gpt = Gpt.create(cfg, dev, 1);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(tc).setData(src).optPeakFlops(peak).build()) {
      for (int i = 0; i < warmup; i++) {
        t.step();
      }
      double[] ms = new double[steps];
      long tokens = 0;
      long t0 = System.nanoTime();
      Trainer.StepResult last = null;
      for (int i = 0; i < steps; i++) {
        last = t.step();
        ms[i] = last.stepMs();
        tokens += last.tokens();
        if (i % Math.max(1, steps / 5) == 0) {
          System.out.println(last.progressLine(warmup + steps));
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double tps = tokens / secs;
      double mfu = cfg.flopsPerToken() * tps / peak;
      Arrays.sort(ms);
      System.out.printf(Locale.ROOT, "result: model=%s device=%s batch=%dx%dx%d replicas=%d tokens/s=%.0f step_ms_median=%.1f "
              + "flops_per_token=%.3e achieved_gflops=%.1f peak_gflops=%.1f mfu=%.1f%% final_loss=%.4f%n",
          model, dev, micro, accum, cfg.seqLen(), t.replicaCount(), tps, ms[ms.length / 2], cfg.flopsPerToken(),
          cfg.flopsPerToken() * tps / 1e9, peak / 1e9, 100 * mfu, last.loss());
    }
  }

  static {
    Engine.getInstance(); // load libtorch before timing anything
  }
}
