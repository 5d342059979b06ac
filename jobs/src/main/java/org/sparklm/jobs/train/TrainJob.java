package org.sparklm.jobs.train;

import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.TrainJobConfig;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.model.train.TrainRun;
import org.sparklm.model.train.Trainer;

/**
 * The {@code train} job: trains the GPT of {@code train.model} on {@code --input} into
 * {@code --output}: {@code checkpoints/step-N/} (resumable, exportable with HfExport) and the
 * {@code train_metrics} table. With {@code --workers 1} the loop runs on the driver; Spark is
 * used for the paths and to summarise the metrics table in SQL.
 */
public final class TrainJob {
  private TrainJob() {}

  private static final java.util.Set<String> MODEL_KEYS = java.util.Set.of("vocab_size", "seq_len", "d_model", "heads",
      "layers", "mlp_ratio", "dropout", "positional", "tied_head", "bias");

  /** What the run did, with the figures SQL computed over {@code train_metrics}. */
  public record Result(TrainRun.Summary summary, double unigramCrossEntropy, long trainTokens, long heldOutTokens,
                       long metricRows, double meanTokensPerSec, String checkpoints, String metrics) {}

  /** {@code spark-submit --class org.sparklm.jobs.train.TrainJob sparklm.jar --input ... --output ...} */
  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    Main.exit(Main.run(all));
  }

  public static Result run(SparkSession spark, TrainJobConfig cfg, PrintStream log) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path out = HadoopPaths.qualify(cfg.output(), conf);
    TrainData.Sources data = TrainData.open(spark, cfg);
    log.printf("train: %,d training tokens, %,d held out; held-out unigram cross-entropy %.4f nats/token%n",
        data.trainTokens(), data.heldOutTokens(), data.unigramCrossEntropy());
    if (data.tokenizerNote() != null) {
      log.println("train: warning: " + data.tokenizerNote());
    }
    TrainRun.Summary s;
    try {
      s = TrainRun.run(new TrainRun.Spec(cfg.model(), cfg.loop(), data.train(), data.validation(), cfg.validationBatches(),
          out, cfg.runName(), data.tokenizerHash(), data.tokenizerJson(), conf, log));
    } catch (InvalidValueException e) {
      String section = MODEL_KEYS.contains(e.field()) ? "train.model." : "train.loop.";
      throw new JobException("train: the config cannot train on this data: key '" + section + e.field() + "' " + e.reason(), e);
    } catch (Trainer.TrainingDivergedException e) {
      throw new JobException("train: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new JobException("train: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new JobException("train: cannot read or write under " + out + ": " + e.getMessage(), e);
    }
    String metrics = new Path(out, "train_metrics").toString();
    Row r = spark.read().parquet(metrics).where("run = '" + cfg.runName().replace("'", "''") + "'")
        .selectExpr("count(*)", "avg(tokens_per_sec)").first();
    return new Result(s, data.unigramCrossEntropy(), data.trainTokens(), data.heldOutTokens(), r.getLong(0),
        r.isNullAt(1) ? Double.NaN : r.getDouble(1), new Path(out, "checkpoints").toString(), metrics);
  }
}
