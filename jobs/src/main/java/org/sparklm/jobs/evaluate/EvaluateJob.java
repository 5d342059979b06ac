package org.sparklm.jobs.evaluate;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.score.Encoders;
import org.sparklm.model.score.ScoringCheckpoint;

/**
 * The {@code evaluate} job: every checkpoint against every held-out dataset in one Spark job,
 * into the Iceberg tables {@code eval_docs}, {@code eval_summary} and (optionally)
 * {@code eval_tokens}, {@code eval_tasks}.
 *
 * <p>Work: the documents of all datasets are read once into partitions; for each checkpoint, each
 * partition is scored by one task ({@link CheckpointScorer}); the tasks of a checkpoint run one
 * after another on an executor, which loads the checkpoint once. A checkpoint that cannot be read
 * or whose tokenizer does not match a dataset's shards fails alone: the others are written, and
 * the job then exits non-zero naming it.
 */
public final class EvaluateJob {
  private EvaluateJob() {}

  /** A checkpoint to evaluate, with the run name its rows carry. */
  public record Target(String run, ScoringCheckpoint.Info info) implements java.io.Serializable {}

  /** What went wrong with one checkpoint (and dataset, when the problem is that pair only). */
  public record Failure(String checkpoint, String dataset, String reason, String detail) {
    public String line() {
      return "checkpoint " + checkpoint + (dataset == null ? "" : " on dataset '" + dataset + "'") + ": " + reason + ": " + detail;
    }
  }

  /** What a run did, for the command's report and tests. */
  public record Result(List<Target> evaluated, List<Failure> failures, long documents, long tokensScored,
                       Map<String, Long> rejectsByReason, List<String> sampleRejects, String summaryTable,
                       Map<String, Map<Long, List<String>>> replaced) {}

  /** {@code spark-submit --class org.sparklm.jobs.evaluate.EvaluateJob sparklm.jar --run ... --dataset ...} */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "evaluate";
    System.arraycopy(args, 0, all, 1, args.length);
    Main.exit(Main.run(all));
  }

  public static Result run(SparkSession spark, EvalConfig cfg, String warehouse) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    if (cfg.datasets().isEmpty() && cfg.tasks().isEmpty()) {
      throw new JobException("no dataset given: pass --dataset NAME=PATH (token shards, JSONL, Parquet or text files)");
    }
    List<Failure> failures = new ArrayList<>();
    List<Target> targets = targets(cfg, conf, failures);
    if (targets.isEmpty()) {
      throw new JobException("no checkpoint to evaluate" + (failures.isEmpty()
          ? ": pass --run RUN_DIR or --checkpoint DIR" : ": " + failures.get(0).line()));
    }
    Timestamp at = new Timestamp(System.currentTimeMillis());
    EvalTables tables = EvalTables.open(spark, warehouse, cfg);
    List<EvalDatasets.Source> sources = EvalDatasets.readAll(spark, cfg.datasets(), cfg);

    // which datasets each checkpoint may score: shards only with the tokenizer they were made with
    Map<Target, Map<String, String>> allowed = new LinkedHashMap<>();
    for (Target t : targets) {
      Map<String, String> ok = new LinkedHashMap<>();
      for (EvalDatasets.Source s : sources) {
        if (s.tokenized() && !Encoders.compatible(t.info().tokenizerHash(), s.tokenizerHash())) {
          failures.add(new Failure(t.info().path(), s.name(), "tokenizer_mismatch", "the checkpoint was trained with tokenizer "
              + (t.info().tokenizerHash() == null ? "(none recorded: byte-level)" : t.info().tokenizerHash())
              + " but dataset '" + s.name() + "' (" + s.path() + ") was tokenized with " + s.tokenizerHash()
              + ": its scores would be meaningless; re-tokenize the dataset with the checkpoint's tokenizer or evaluate "
              + "a checkpoint trained on these shards"));
          continue;
        }
        try {
          // raw text is encoded, and shard ids' bytes counted, with the checkpoint's own tokenizer.json
          Encoders.forCheckpoint(t.info(), conf);
        } catch (IllegalArgumentException e) {
          failures.add(new Failure(t.info().path(), s.name(), "no_tokenizer", e.getMessage()));
          continue;
        }
        ok.put(s.name(), s.tokenized() ? s.tokenizerHash() : null);
      }
      allowed.put(t, ok);
    }

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> docs = null;
    for (EvalDatasets.Source s : sources) {
      docs = docs == null ? s.docs() : docs.unionByName(s.docs());
    }
    long documents = 0;
    Dataset<Row> out = spark.createDataFrame(new ArrayList<Row>(), CheckpointScorer.OUT);
    if (docs != null) {
      int parts = Math.max(1, jsc.defaultParallelism());
      docs = docs.repartition(parts).persist(StorageLevel.MEMORY_AND_DISK());
      documents = docs.count();
      HadoopConf hc = new HadoopConf(conf);
      JavaRDD<Row> scored = null;
      for (Target t : targets) {
        if (allowed.get(t).isEmpty()) {
          continue;
        }
        CheckpointScorer cs = new CheckpointScorer(t.info(), t.run(), allowed.get(t), cfg.window(), cfg.stride(),
            cfg.batchRows(), cfg.device(), cfg.threads(), cfg.maxModels(), cfg.tokensTable(), hc);
        JavaRDD<Row> one = docs.javaRDD().mapPartitions(cs::score);
        scored = scored == null ? one : scored.union(one);
      }
      if (scored != null) {
        out = spark.createDataFrame(scored, CheckpointScorer.OUT);
      }
    }
    out = out.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Set<String> failed = new LinkedHashSet<>();
      for (Row f : out.where("failure IS NOT NULL AND failure.reason = '" + CheckpointScorer.UNREADABLE + "'")
          .select("failure.*").dropDuplicates("checkpoint").collectAsList()) {
        failed.add(f.getString(0));
        failures.add(new Failure(f.getString(0), null, f.getString(3), f.getString(4)));
      }
      Map<String, Long> rejects = new TreeMap<>();
      for (Row r : out.where("failure IS NOT NULL AND failure.reason <> '" + CheckpointScorer.UNREADABLE + "'")
          .groupBy("failure.reason").count().collectAsList()) {
        rejects.put(r.getString(0), r.getLong(1));
      }
      List<String> sample = new ArrayList<>();
      for (Row r : out.where("failure IS NOT NULL AND failure.reason <> '" + CheckpointScorer.UNREADABLE + "'")
          .select("failure.*").orderBy("dataset", "doc_id").limit(5).collectAsList()) {
        sample.add("dataset '" + r.getString(1) + "' document " + r.getString(2) + ": " + r.getString(3) + ": " + r.getString(4));
      }

      // the (run, step, dataset) partitions this job replaces: good checkpoints x their datasets
      Map<String, Map<Long, List<String>>> replaced = new TreeMap<>();
      List<Target> evaluated = new ArrayList<>();
      for (Target t : targets) {
        if (failed.contains(t.info().path()) || (allowed.get(t).isEmpty() && !sources.isEmpty())) {
          continue;
        }
        evaluated.add(t);
        if (allowed.get(t).isEmpty()) {
          continue;
        }
        replaced.computeIfAbsent(t.run(), r -> new TreeMap<>())
            .computeIfAbsent(t.info().step(), s -> new ArrayList<>()).addAll(allowed.get(t).keySet());
      }
      Dataset<Row> okDocs = out.where("doc IS NOT NULL").select("doc.*")
          .where(functions.not(functions.col("checkpoint").isin(failed.toArray())));
      okDocs = okDocs.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        tables.create(EvalTables.DOCS, CheckpointScorer.DOC);
        tables.create(EvalTables.SUMMARY, EvalSummary.SCHEMA);
        long tokensScored = replaced.isEmpty() ? 0 : okDocs.agg(functions.coalesce(functions.sum("tokens"), functions.lit(0L)))
            .first().getLong(0);
        if (!replaced.isEmpty()) {
          tables.replace(EvalTables.DOCS, okDocs, replaced);
          tables.replace(EvalTables.SUMMARY, EvalSummary.compute(spark, okDocs, cfg.bootstrapSamples(), cfg.seed(), at), replaced);
          if (cfg.tokensTable()) {
            tables.create(EvalTables.TOKENS, CheckpointScorer.TOKEN);
            Dataset<Row> tok = out.where("token IS NOT NULL").select("token.*")
                .where(functions.not(functions.col("run").isNull()));
            tables.replace(EvalTables.TOKENS, tok, replaced);
          }
        }
        if (!cfg.tasks().isEmpty()) {
          sample.addAll(TaskEval.run(spark, tables, evaluated, cfg, at));
        }
        return new Result(evaluated, failures, documents, tokensScored, rejects, sample, tables.name(EvalTables.SUMMARY),
            replaced);
      } finally {
        okDocs.unpersist();
      }
    } finally {
      out.unpersist();
      if (docs != null) {
        docs.unpersist();
      }
    }
  }

  /** The checkpoints named by --run and --checkpoint, each once, with their run names. */
  static List<Target> targets(EvalConfig cfg, Configuration conf, List<Failure> failures) {
    Map<String, Target> out = new LinkedHashMap<>();
    List<String[]> dirs = new ArrayList<>(); // path, run name
    for (String r : cfg.runs()) {
      Path p = HadoopPaths.qualify(r, conf);
      try {
        Path ckDir = p.getFileSystem(conf).exists(new Path(p, "checkpoints")) ? new Path(p, "checkpoints") : p;
        List<Path> all = Checkpoint.list(ckDir, conf);
        if (all.isEmpty()) {
          throw new JobException("run '" + r + "' has no complete checkpoint (checkpoints/step-N/ with "
              + Checkpoint.STATE + ", " + Checkpoint.MODEL + " and " + Checkpoint.OPTIMIZER + ")");
        }
        for (Path c : all) {
          dirs.add(new String[] {c.toString(), cfg.runName().isEmpty() ? p.getName() : cfg.runName()});
        }
      } catch (IOException e) {
        throw new JobException("cannot list run '" + r + "': " + e.getMessage(), e);
      }
    }
    for (String c : cfg.checkpoints()) {
      Path p = HadoopPaths.qualify(c, conf);
      Path parent = p.getParent();
      String run = parent == null ? p.getName()
          : parent.getName().equals("checkpoints") && parent.getParent() != null ? parent.getParent().getName() : parent.getName();
      dirs.add(new String[] {p.toString(), cfg.runName().isEmpty() ? run : cfg.runName()});
    }
    for (String[] d : dirs) {
      if (out.containsKey(d[0])) {
        continue;
      }
      try {
        out.put(d[0], new Target(d[1], ScoringCheckpoint.info(new Path(d[0]), conf)));
      } catch (IOException e) {
        failures.add(new Failure(d[0], null, CheckpointScorer.UNREADABLE, e.getMessage()));
      }
    }
    return new ArrayList<>(out.values());
  }
}
