package org.sparklm.jobs.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.StorageSettings;
import org.sparklm.jobs.evaluate.EvalTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a self-contained HTML page over the warehouse's evaluation tables: loss and bits per byte "
        + "by step per dataset (SVG plots), the summary table, and a per-token surprise view (from eval_tokens)."})
public final class ReportCommand extends SparkCommand {
  @Option(names = "--warehouse", paramLabel = "DIR", description = "Warehouse folder of the tables (setting storage.warehouse)")
  String warehouse;

  @Option(names = "--output", paramLabel = "FILE", description = "HTML file to write (setting report.output)")
  String output;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    if (output != null) {
      c = c.withReport(c.report().withOutput(output));
    }
    return warehouse == null ? c : c.withStorage(new StorageSettings(warehouse, c.storage().tables()));
  }

  @Override
  public List<String> settingsSections() {
    return List.of("report", "storage", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) throws IOException {
    String path = write(spark, config);
    out().println("report: wrote " + path);
    return 0;
  }

  /** Writes the page; returns its path. */
  public static String write(SparkSession spark, SparklmConfig config) throws IOException {
    Map<String, String> views = EvalTables.registerViews(spark, config.storage().warehouse(), config.eval());
    if (!views.containsKey(EvalTables.SUMMARY)) {
      throw new JobException("no eval_summary table in warehouse '" + config.storage().warehouse()
          + "': run sparklm evaluate --warehouse " + config.storage().warehouse() + " first");
    }
    List<ReportPage.Point> points = new ArrayList<>();
    for (Row r : spark.sql("SELECT run, dataset, step, nll_per_token, bits_per_byte, bits_per_byte_se, tokens, bytes, "
        + "documents, window_policy FROM eval_summary WHERE domain = '*' ORDER BY run, dataset, step").collectAsList()) {
      points.add(new ReportPage.Point(r.getString(0), r.getString(1), r.getLong(2), r.getDouble(3), r.getDouble(4),
          r.isNullAt(5) ? null : r.getDouble(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getString(9)));
    }
    List<ReportPage.Doc> docs = new ArrayList<>();
    if (views.containsKey(EvalTables.TOKENS) && config.report().surpriseDocs() > 0) {
      // the latest step's first documents of each dataset, by id
      List<Row> picked = spark.sql("SELECT run, step, dataset, doc_id FROM (SELECT run, step, dataset, doc_id, "
          + "row_number() OVER (PARTITION BY dataset ORDER BY step DESC, run, doc_id) AS k FROM "
          + "(SELECT DISTINCT run, step, dataset, doc_id FROM eval_tokens)) WHERE k = 1 ORDER BY dataset")
          .limit(config.report().surpriseDocs()).collectAsList();
      for (Row p : picked) {
        List<ReportPage.Token> tokens = new ArrayList<>();
        for (Row t : spark.sql("SELECT token, logprob FROM eval_tokens WHERE run = '" + p.getString(0).replace("'", "''")
            + "' AND step = " + p.getLong(1) + " AND dataset = '" + p.getString(2).replace("'", "''") + "' AND doc_id = '"
            + p.getString(3).replace("'", "''") + "' ORDER BY position LIMIT " + config.report().surpriseTokens())
            .collectAsList()) {
          tokens.add(new ReportPage.Token(t.getString(0), t.getDouble(1)));
        }
        docs.add(new ReportPage.Doc(p.getString(0), p.getLong(1), p.getString(2), p.getString(3), tokens));
      }
    }
    String html = ReportPage.render("sparklm evaluation: " + config.storage().warehouse(), points, docs,
        "Bits per byte = -Σ log p / (ln 2 · Σ bytes) over the scored tokens of each held-out dataset; error bars are "
            + "bootstrap standard errors over documents. Every figure comes from the warehouse's eval_summary and eval_tokens tables.");
    Path out = HadoopPaths.qualify(config.report().output(), spark.sparkContext().hadoopConfiguration());
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (out.getParent() != null) {
      fs.mkdirs(out.getParent());
    }
    try (OutputStream o = fs.create(out, true)) {
      o.write(html.getBytes(StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
