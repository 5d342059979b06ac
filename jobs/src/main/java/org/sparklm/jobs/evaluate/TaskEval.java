package org.sparklm.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.model.eval.MultipleChoice;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.score.Encoders;
import org.sparklm.model.score.ModelCache;
import org.sparklm.model.score.Scorer;
import org.sparklm.model.train.Devices;

/**
 * Multiple-choice tasks ({@link MultipleChoice}, lm-eval's acc and acc_norm) for every evaluated
 * checkpoint, into {@code eval_tasks}: counts of items and correct answers, the accuracies and
 * their binomial standard errors. One Spark task per checkpoint (task sets are small); its
 * executor's cached model is reused.
 */
final class TaskEval {
  private TaskEval() {}

  static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("run", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("task", DataTypes.StringType, false),
      DataTypes.createStructField("items", DataTypes.LongType, false),
      DataTypes.createStructField("correct", DataTypes.LongType, false),
      DataTypes.createStructField("correct_norm", DataTypes.LongType, false),
      DataTypes.createStructField("acc", DataTypes.DoubleType, false),
      DataTypes.createStructField("acc_se", DataTypes.DoubleType, false),
      DataTypes.createStructField("acc_norm", DataTypes.DoubleType, false),
      DataTypes.createStructField("acc_norm_se", DataTypes.DoubleType, false),
      DataTypes.createStructField("checkpoint", DataTypes.StringType, false),
      DataTypes.createStructField("evaluated_at", DataTypes.TimestampType, false)});

  /** Scores every task for every target and replaces their eval_tasks rows; returns warnings. */
  static List<String> run(SparkSession spark, EvalTables tables, List<EvaluateJob.Target> targets, EvalConfig cfg,
                          Timestamp at) {
    List<String> warnings = new ArrayList<>();
    Map<String, List<MultipleChoice.Item>> tasks = new LinkedHashMap<>();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    cfg.tasks().forEach((name, path) -> tasks.put(name, read(name, path, conf, warnings)));
    List<EvaluateJob.Target> scorable = new ArrayList<>();
    for (EvaluateJob.Target t : targets) {
      try {
        Encoders.forCheckpoint(t.info(), conf); // tasks are raw text: the checkpoint must carry its tokenizer
        scorable.add(t);
      } catch (IllegalArgumentException e) {
        warnings.add("tasks skipped for checkpoint " + t.info().path() + ": " + e.getMessage());
      }
    }
    targets = scorable;
    if (targets.isEmpty()) {
      return warnings;
    }
    HadoopConf hc = new HadoopConf(conf);
    String device = cfg.device();
    int batchRows = cfg.batchRows();
    int maxModels = cfg.maxModels();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Row> rows = jsc.parallelize(targets, targets.size()).flatMap(t -> {
      try (ModelCache.Lease lease = ModelCache.acquire(t.info(), Devices.select(device), hc.get(), maxModels)) {
      Scorer scorer = new Scorer(lease.model(), batchRows);
      List<Row> out = new ArrayList<>();
      for (Map.Entry<String, List<MultipleChoice.Item>> e : tasks.entrySet()) {
        List<MultipleChoice.Scored> s = MultipleChoice.score(scorer, Encoders.forCheckpoint(t.info(), hc.get()), e.getValue());
        long n = s.size();
        long c = s.stream().filter(MultipleChoice.Scored::correct).count();
        long cn = s.stream().filter(MultipleChoice.Scored::correctNorm).count();
        double acc = (double) c / n;
        double accNorm = (double) cn / n;
        out.add(RowFactory.create(t.run(), t.info().step(), e.getKey(), n, c, cn, acc, Math.sqrt(acc * (1 - acc) / n),
            accNorm, Math.sqrt(accNorm * (1 - accNorm) / n), t.info().path(), at));
      }
      return out.iterator();
      }
    }).collect();
    Map<String, Map<Long, List<String>>> replaced = new TreeMap<>();
    for (EvaluateJob.Target t : targets) {
      replaced.computeIfAbsent(t.run(), r -> new TreeMap<>()).computeIfAbsent(t.info().step(), s -> new ArrayList<>())
          .addAll(tasks.keySet());
    }
    tables.create(EvalTables.TASKS, SCHEMA, "task");
    tables.replace(EvalTables.TASKS, spark.createDataFrame(rows, SCHEMA), replaced, "task");
    return warnings;
  }

  /** The task's items; a line that is not a valid item is set aside with a warning naming it. */
  static List<MultipleChoice.Item> read(String name, String path, Configuration conf, List<String> warnings) {
    ObjectMapper json = new ObjectMapper();
    List<MultipleChoice.Item> items = new ArrayList<>();
    Path p = HadoopPaths.qualify(path, conf);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
      int line = 0;
      for (String s = r.readLine(); s != null; s = r.readLine()) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        try {
          JsonNode n = json.readTree(s);
          List<String> choices = new ArrayList<>();
          n.path("choices").forEach(c -> choices.add(c.asText()));
          items.add(new MultipleChoice.Item(n.path("id").asText("line-" + line), n.path("context").asText(null), choices,
              n.path("gold").asInt(-1)));
        } catch (IOException | IllegalArgumentException e) {
          warnings.add("task '" + name + "' " + path + " line " + line + " set aside: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new JobException("task '" + name + "': cannot read " + path + ": " + e.getMessage(), e);
    }
    if (items.isEmpty()) {
      throw new JobException("task '" + name + "': " + path + " holds no valid item ({id, context, choices, gold} per line)");
    }
    return items;
  }
}
