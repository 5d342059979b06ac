package org.sparklm.jobs.train.dist;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.DistributedConfig;
import org.sparklm.jobs.config.SparkSettings;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.jobs.train.TrainData;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.dist.ByteText;
import org.sparklm.model.dist.DistributedWorker;
import org.sparklm.model.dist.RankedData;
import org.sparklm.model.dist.ShardData;
import org.sparklm.model.score.ByteEncoder;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.TrainConfig;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The {@code train} job: data-parallel GPT pretraining as one Spark barrier stage of
 * {@code workers} tasks (gang-scheduled: all start together or none), one per executor JVM,
 * rank = partition id. The ranks meet once through the barrier {@code allGather} and then
 * average their gradients every step over their own ring of sockets
 * ({@link org.sparklm.model.dist.RingAllReduce}).
 *
 * <p>Failure: Spark aborts a barrier result stage whose task failed (it does not retry it), so
 * this driver retries the whole stage, up to {@code distributed.max_attempts} times (BigDL's
 * way); every attempt resumes from the newest complete checkpoint, which holds the weights,
 * AdamW's moments, the step and the data cursor, so the resumed run continues as if never
 * interrupted. A lost executor is replaced by the cluster manager meanwhile; the stage waits
 * until {@code workers} slots are free.
 */
public final class DistributedTrainJob {
  private DistributedTrainJob() {}

  /** The one table the job writes besides its checkpoints: every step of the final attempt. */
  public static final StructType STEPS = new StructType(new StructField[] {
      DataTypes.createStructField("attempt", DataTypes.IntegerType, false),
      DataTypes.createStructField("workers", DataTypes.IntegerType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("loss", DataTypes.DoubleType, false),
      DataTypes.createStructField("grad_norm", DataTypes.DoubleType, false),
      DataTypes.createStructField("lr", DataTypes.DoubleType, false),
      DataTypes.createStructField("skipped", DataTypes.BooleanType, false),
      DataTypes.createStructField("compute_ms", DataTypes.DoubleType, false),
      DataTypes.createStructField("all_reduce_ms", DataTypes.DoubleType, false),
      DataTypes.createStructField("network_ms", DataTypes.DoubleType, false),
      DataTypes.createStructField("optimizer_ms", DataTypes.DoubleType, false)});

  /** Properties that make a barrier stage wait for replacement executors in seconds, not minutes. */
  static final List<String[]> BARRIER_DEFAULTS = List.of(
      new String[] {"spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s"},
      new String[] {"spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "90"});

  /** What a run did. */
  public record Result(int attempts, List<String> failures, DistributedWorker.Result rank0, long finalChecksum,
                       String stepsTable) {}

  /** {@code spark-submit --class org.sparklm.jobs.train.dist.DistributedTrainJob sparklm.jar --workers 2 ...} */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    Main.exit(Main.run(all));
  }

  /** Adds the barrier scheduling properties unless spark-submit or the config set them. */
  public static SparkSettings barrierDefaults(SparkSettings s) {
    SparkConf submitted = new SparkConf();
    java.util.Map<String, String> conf = new java.util.TreeMap<>(s.conf());
    for (String[] kv : BARRIER_DEFAULTS) {
      if (!submitted.contains(kv[0])) {
        conf.putIfAbsent(kv[0], kv[1]);
      }
    }
    return new SparkSettings(s.master(), s.appName(), conf);
  }

  /**
   * The data every rank opens its slice of, the tokenizer hash its checkpoints record and the
   * tokenizer.json they carry (null for bytes, or with {@code tokenizerNote} saying why not).
   */
  record Input(RankedData data, String tokenizerHash, byte[] tokenizerJson, String tokenizerNote) {}

  /**
   * {@code train.input} by {@code train.input_format}, as the one-worker job reads it: token
   * shards (the model's seq_len and vocabulary checked against the manifest here, on the driver)
   * or text files as bytes.
   */
  static Input input(TrainJobConfig t, Configuration conf) {
    t = TrainData.resolveFormat(t, conf);
    GptConfig model = t.model();
    long seed = t.loop().seed();
    switch (t.inputFormat()) {
      case "shards" -> {
        TrainData.Shards s = TrainData.checkShards(t, conf);
        ShardManifest m = s.manifest();
        TrainData.Tokenizer tok = TrainData.tokenizer(s, conf);
        return new Input(new ShardData(s.dir() + "/train", m.seqLen(), m.tokenizer().vocabSize(), seed),
            m.tokenizer().sha256(), tok.json(), tok.note());
      }
      case "text" -> {
        if (model.vocabSize() < ByteText.VOCAB) {
          throw new JobException("train: text is read as bytes (256 ids) but train.model.vocab_size is "
              + model.vocabSize() + ": set train.model.vocab_size=256");
        }
        List<String> inputs = new ArrayList<>();
        for (String in : t.input()) {
          inputs.add(HadoopPaths.qualify(in, conf).toString());
        }
        return new Input(new ByteText(inputs, model.seqLen(), seed), ByteEncoder.HASH, null, null);
      }
      default -> throw new JobException("train: --workers " + t.workers() + " reads token shards (train.input_format="
          + "shards, the tokenize job's output) or text files (text), not input_format=" + t.inputFormat()
          + ": tokenize the documents first (bin/sparklm tokenize), or train with --workers 1");
    }
  }

  /**
   * Trains {@code train.model} with {@code train.loop} on {@code train.input} with
   * {@code train.workers} ranks into {@code train.output}; {@code dist} says how the ranks talk
   * and recover. One worker runs in local mode too (a single rank, for tests).
   */
  public static Result run(SparkSession spark, TrainJobConfig t, DistributedConfig cfg, PrintStream out) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = t.workers();
    GptConfig model = t.model();
    TrainConfig train = t.loop();
    String master = jsc.master();
    if (n > 1 && master.startsWith("local")) {
      throw new JobException("--workers " + n + " needs one executor JVM per worker (libtorch and DJL's gradient "
          + "collector are per JVM), but the master is " + master + ": submit to a cluster (see docs/training.md), "
          + "or use --workers 1");
    }
    if (t.input().isEmpty()) {
      throw new JobException("train: no input: give --input (setting train.input), a tokenize output folder, or text "
          + "files or folders with train.input_format=text");
    }
    try {
      DistributedWorker.perRank(train, model.seqLen(), n); // fails now, on the driver, if the batch does not split
    } catch (org.sparklm.model.config.InvalidValueException e) {
      throw new JobException("train: the config cannot train on " + n + " worker" + (n == 1 ? "" : "s") + ": key 'train.loop."
          + e.field() + "' " + e.reason(), e);
    }
    Configuration hconf = jsc.hadoopConfiguration();
    Input input = input(t, hconf);
    RankedData data = input.data();
    if (input.tokenizerNote() != null) {
      out.println("train: warning: " + input.tokenizerNote());
    }
    Path output = HadoopPaths.qualify(t.output(), hconf);
    Path ckDir = new Path(output, "checkpoints");
    if (data instanceof ByteText) {
      // text bytes are split per rank (ArrayTokenRows): another world size reads another order.
      // Shards are dealt from the one-worker order, whose cursor means the same for any N.
      checkWorld(ckDir, n, hconf);
    }
    out.printf(Locale.ROOT, "train: %d worker%s on %s, model d_model %d x %d layers, seq_len %d, vocab %d (%,d "
            + "parameters), %d steps of %d tokens, data %s, checkpoints in %s%n", n, n == 1 ? "" : "s", master,
        model.dModel(), model.layers(), model.seqLen(), model.vocabSize(), model.parameterCount(), train.maxSteps(),
        train.tokensPerStep(), data.describe(), ckDir);

    List<String> failures = new ArrayList<>();
    HadoopConf conf = new HadoopConf(hconf);
    for (int attempt = 1; attempt <= cfg.maxAttempts(); attempt++) {
      long session = ThreadLocalRandom.current().nextLong();
      RankTask task = new RankTask(model, train, data, input.tokenizerHash(), input.tokenizerJson(), ckDir.toString(),
          cfg.checksumEvery(), cfg.connectTimeoutS(), cfg.ioTimeoutS(), cfg.chunkKib() * 1024, session, conf);
      List<Integer> ranks = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        ranks.add(r);
      }
      jsc.setJobDescription("sparklm train: " + n + " workers, attempt " + attempt);
      List<DistributedWorker.Result> results;
      try {
        ClassTag<DistributedWorker.Result> tag = ClassTag$.MODULE$.apply(DistributedWorker.Result.class);
        results = JavaRDD.fromRDD(jsc.parallelize(ranks, n).rdd().barrier().mapPartitions(task, false, tag), tag)
            .collect();
      } catch (Exception e) { // SparkException is checked in Java's eyes, but Scala throws it from collect()
        String why = rootMessage(e);
        failures.add(why);
        if (!retryable(e)) {
          throw new JobException("training failed: " + why, e);
        }
        out.printf("train: attempt %d of %d failed: %s%n", attempt, cfg.maxAttempts(), why);
        if (attempt < cfg.maxAttempts()) {
          out.printf("train: attempt %d resumes from the latest checkpoint (%s)%n", attempt + 1, latest(ckDir, hconf));
        }
        continue;
      }
      return finish(spark, results, attempt, failures, output, n, train, out);
    }
    throw new JobException("training failed in all " + cfg.maxAttempts() + " attempts (distributed.max_attempts); "
        + "the last: " + failures.get(failures.size() - 1) + "; rerun to resume from " + latest(ckDir, hconf));
  }

  private static Result finish(SparkSession spark, List<DistributedWorker.Result> results, int attempt,
                               List<String> failures, Path output, int n, TrainConfig train, PrintStream out) {
    long maxSteps = train.maxSteps();
    results = new ArrayList<>(results);
    results.sort(Comparator.comparingInt(DistributedWorker.Result::rank));
    DistributedWorker.Result r0 = results.get(0);
    long sum = r0.finalChecksum();
    for (DistributedWorker.Result r : results) {
      if (r.finalChecksum() != sum) {
        throw new JobException("replicas drifted: rank " + r.rank() + " ended with parameter checksum "
            + Long.toHexString(r.finalChecksum()) + ", rank 0 with " + Long.toHexString(sum));
      }
    }
    List<DistributedWorker.StepTiming> steps = r0.steps();
    List<Row> rows = new ArrayList<>();
    for (DistributedWorker.StepTiming s : steps) {
      rows.add(RowFactory.create(attempt, n, s.step(), s.loss(), s.gradNorm(), s.lr(), s.skipped(), s.computeMs(),
          s.allReduceMs(), s.networkMs(), s.optimizerMs()));
      if (s.step() % train.logEvery() == 0 || s.step() == r0.startStep() + 1 || s.step() == maxSteps || s.skipped()) {
        out.printf(Locale.ROOT, "train: step %d/%d loss %.6f grad_norm %.6f lr %.3e%s%n", s.step(), maxSteps, s.loss(),
            s.gradNorm(), s.lr(), s.skipped() ? " SKIPPED" : "");
      }
    }
    String table;
    try (Outputs o = new Outputs(spark, output.toString())) {
      o.write("train_steps", spark.createDataFrame(rows, STEPS).coalesce(1));
      o.commit();
      table = o.tablePath("train_steps").toString();
    }
    // the first step of an attempt includes libtorch's warm-up: the split is over the others
    List<DistributedWorker.StepTiming> warm = steps.size() > 1 ? steps.subList(1, steps.size()) : steps;
    double c = warm.stream().mapToDouble(DistributedWorker.StepTiming::computeMs).average().orElse(Double.NaN);
    double a = warm.stream().mapToDouble(DistributedWorker.StepTiming::allReduceMs).average().orElse(Double.NaN);
    double w = warm.stream().mapToDouble(DistributedWorker.StepTiming::networkMs).average().orElse(Double.NaN);
    double o = warm.stream().mapToDouble(DistributedWorker.StepTiming::optimizerMs).average().orElse(Double.NaN);
    out.printf(Locale.ROOT, "train: done in attempt %d: steps %d..%d on %d worker%s (%s), final loss %.6f%n", attempt,
        r0.startStep(), r0.endStep(), n, n == 1 ? "" : "s", devices(results),
        steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).loss());
    out.printf(Locale.ROOT, "train: time per step (mean of %d): compute %.1f ms, all-reduce %.1f ms (network %.1f ms), "
        + "optimizer %.1f ms; %.1f MB sent per rank per step%n", warm.size(), c, a, w, o,
        steps.isEmpty() ? 0 : r0.allReduceBytes() / 1e6 / steps.size());
    out.printf("train: replicas identical: parameter checksum %s on all %d ranks%n", Long.toHexString(sum), n);
    out.println("train: wrote " + r0.lastCheckpoint() + " and " + table);
    return new Result(attempt, failures, r0, sum, table);
  }

  private static String devices(List<DistributedWorker.Result> results) {
    return String.join(", ", results.stream().map(r -> "rank " + r.rank() + " " + r.device()).toList());
  }

  /** A stage of a different world size would read the data in another order: refuse to mix. */
  static void checkWorld(Path ckDir, int n, Configuration conf) {
    try {
      FileSystem fs = ckDir.getFileSystem(conf);
      Path marker = new Path(ckDir, "_workers");
      if (fs.exists(marker)) {
        byte[] b;
        try (var in = fs.open(marker)) {
          b = in.readAllBytes();
        }
        int before = Integer.parseInt(new String(b, StandardCharsets.UTF_8).strip());
        if (before != n) {
          throw new JobException("the checkpoints in " + ckDir + " were trained with " + before + " workers; resume "
              + "with --workers " + before + " (each worker reads its own slice of the data), or use a new --output");
        }
      } else {
        fs.mkdirs(ckDir);
        try (OutputStream os = fs.create(marker, true)) {
          os.write((n + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new JobException("cannot use checkpoint folder " + ckDir + ": " + e.getMessage(), e);
    }
  }

  private static String latest(Path ckDir, Configuration conf) {
    try {
      return org.sparklm.model.checkpoint.Checkpoint.latest(ckDir, conf).map(Path::toString).orElse("no checkpoint yet: from the start");
    } catch (IOException e) {
      return "unknown: " + e.getMessage();
    }
  }

  /** Bad settings and diverged training fail the same way again: only other failures are retried. */
  static boolean retryable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String s = c.toString();
      if (s.contains("InvalidValueException") || s.contains("TrainingDivergedException")
          || s.contains("ReplicaDriftException") || s.contains("both run in executor")
          || s.contains("is of another model") || s.contains("was trained with tokenizer")) {
        return false;
      }
    }
    return true;
  }

  /** The innermost useful message: Spark wraps task failures in several layers of text. */
  static String rootMessage(Throwable e) {
    String best = e.getMessage();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        best = c.getMessage();
      }
    }
    if (best == null) {
      return e.toString();
    }
    // a task failure's message carries the remote stack trace: keep the lines before it (Spark's
    // "Job aborted ..." line and the task's own reason, e.g. ExecutorLostFailure or a PeerException)
    StringBuilder msg = new StringBuilder();
    for (String line : best.strip().split("\n")) {
      if (line.isBlank() || line.strip().startsWith("at ") || msg.length() > 600) {
        break;
      }
      msg.append(msg.length() == 0 ? "" : " ").append(line.strip());
    }
    return msg.length() > 800 ? msg.substring(0, 800) + "..." : msg.toString();
  }
}
