package org.sparklm.model.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The {@code train_metrics} Parquet table: one row per optimizer step. Rows are buffered and
 * written as one file per checkpoint interval ({@code part-<first>-<last>.parquet}, written under
 * a hidden name and renamed), so the table holds exactly the steps that a checkpoint covers: a
 * run killed between checkpoints redoes those steps on resume and never writes them twice.
 * Spark reads it with {@code spark.read.parquet(".../train_metrics")}. {@code val_loss} is set on
 * the steps where the held-out loss was measured (checkpoint steps), null elsewhere.
 */
public final class MetricsTable {
  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message train_metrics {
        required binary run (STRING);
        required int64 step;
        required double loss;
        required double lr;
        required double grad_norm;
        required int64 tokens;
        required double step_ms;
        required double tokens_per_sec;
        optional double mfu;
        required boolean skipped;
        optional binary skip_reason (STRING);
        required double loss_scale;
        required int64 time (TIMESTAMP(MILLIS,true));
        optional double val_loss;
      }""");

  private final Path dir;
  private final String run;
  private final Configuration conf;
  private final List<Group> pending = new ArrayList<>();
  private final SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
  private long first = -1;
  private long last = -1;

  public MetricsTable(Path dir, String run, Configuration conf) {
    this.dir = dir;
    this.run = run;
    this.conf = conf;
  }

  public void add(Trainer.StepResult r) {
    Group g = groups.newGroup()
        .append("run", run).append("step", r.step()).append("loss", r.loss()).append("lr", r.lr())
        .append("grad_norm", r.gradNorm()).append("tokens", r.tokens()).append("step_ms", r.stepMs())
        .append("tokens_per_sec", r.tokensPerSec());
    if (!Double.isNaN(r.mfu())) {
      g.append("mfu", r.mfu());
    }
    g.append("skipped", r.skipped());
    if (r.skipReason() != null) {
      g.append("skip_reason", r.skipReason());
    }
    g.append("loss_scale", r.lossScale()).append("time", System.currentTimeMillis());
    pending.add(g);
    if (first < 0) {
      first = r.step();
    }
    last = r.step();
  }

  /** Records the held-out loss measured after the latest step (on checkpoint steps). */
  public void setValidationLoss(double loss) {
    if (!pending.isEmpty() && !Double.isNaN(loss)) {
      pending.get(pending.size() - 1).append("val_loss", loss);
    }
  }

  /** Writes the buffered rows as one Parquet file; call right after a checkpoint is committed. */
  public void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    String name = String.format("part-%08d-%08d.parquet", first, last);
    Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID() + "-" + name);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(SCHEMA)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
      for (Group g : pending) {
        w.write(g);
      }
    }
    Path target = new Path(dir, name);
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    pending.clear();
    first = -1;
  }

  /** Drops buffered rows (e.g. of steps after the last checkpoint that a resume will redo). */
  public void discard() {
    pending.clear();
    first = -1;
  }
}
