package org.sparklm.jobs.evaluate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.EvalConfig;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.StorageSettings;
import org.sparklm.jobs.sql.SqlCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Score checkpoints on held-out datasets (per-token log-probs, rolling windows) into the Iceberg tables "
        + "eval_docs, eval_summary (and eval_tokens, eval_tasks) of the warehouse; "
        + "rerunning a (run, step, dataset) replaces its rows. Query them with: sparklm sql --warehouse DIR \"...\""})
public final class EvaluateCommand extends SparkCommand {
  @Option(names = "--run", paramLabel = "RUN_DIR", description = "A training run: every checkpoints/step-N/ under it; repeatable (setting eval.runs)")
  List<String> runs;

  @Option(names = "--checkpoint", paramLabel = "DIR", description = "One checkpoint folder (step-N/); repeatable (setting eval.checkpoints)")
  List<String> checkpoints;

  @Option(names = "--dataset", paramLabel = "NAME=PATH", description = "A held-out dataset: token shards folder, JSONL, Parquet or text files; repeatable (setting eval.datasets)")
  Map<String, String> datasets;

  @Option(names = "--task", paramLabel = "NAME=PATH", description = "A multiple-choice task (JSONL); repeatable (setting eval.tasks)")
  Map<String, String> tasks;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Warehouse folder of the tables (setting storage.warehouse)")
  String warehouse;

  @Option(names = "--window", paramLabel = "POLICY", description = "disjoint (default) or strided (setting eval.window)")
  String window;

  @Option(names = "--stride", paramLabel = "N", description = "Strided windows' stride in tokens (setting eval.stride)")
  Integer stride;

  @Option(names = "--tokens-table", description = "Also write eval_tokens, one row per scored token (setting eval.tokens_table)")
  boolean tokensTable;

  @Option(names = "--run-name", paramLabel = "NAME", description = "The run column's value (setting eval.run_name)")
  String runName;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    EvalConfig e = c.eval();
    List<String> r = new ArrayList<>(e.runs());
    List<String> k = new ArrayList<>(e.checkpoints());
    Map<String, String> d = new LinkedHashMap<>(e.datasets());
    Map<String, String> t = new LinkedHashMap<>(e.tasks());
    if (runs != null) {
      r.addAll(runs);
    }
    if (checkpoints != null) {
      k.addAll(checkpoints);
    }
    if (datasets != null) {
      d.putAll(datasets);
    }
    if (tasks != null) {
      t.putAll(tasks);
    }
    e = e.withInputs(r, k, d, t);
    if (window != null || stride != null) {
      e = e.withWindow(window != null ? window : e.window(), stride != null ? stride : e.stride());
    }
    if (tokensTable) {
      e = e.withTokensTable(true);
    }
    if (runName != null) {
      e = e.withRunName(runName);
    }
    c = c.withEval(e);
    return warehouse == null ? c : c.withStorage(new StorageSettings(warehouse, c.storage().tables()));
  }

  @Override
  public List<String> settingsSections() {
    return List.of("eval", "storage", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    EvaluateJob.Result r = EvaluateJob.run(spark, config.eval(), config.storage().warehouse());
    report(spark, r, config, out(), System.err);
    if (!r.failures().isEmpty()) {
      throw new JobException(r.failures().size() + " checkpoint/dataset pair(s) could not be evaluated (the other results "
          + "were written): " + r.failures().get(0).line());
    }
    return 0;
  }

  /** The summary: counts on stdout, then bits per byte by step from SQL over eval_summary. */
  public static void report(SparkSession spark, EvaluateJob.Result r, SparklmConfig config, PrintStream out, PrintStream err) {
    out.printf("evaluate: %d checkpoint(s) x %d document(s) -> %d tokens scored; tables %s%n", r.evaluated().size(),
        r.documents(), r.tokensScored(), r.summaryTable().replace(".eval_summary", ".{eval_docs,eval_summary}"));
    if (!r.rejectsByReason().isEmpty()) {
      out.println("evaluate: documents set aside: " + r.rejectsByReason());
    }
    r.sampleRejects().forEach(s -> err.println("evaluate: warning: " + s));
    for (EvaluateJob.Failure f : r.failures()) {
      err.println("evaluate: error: " + f.line());
    }
    EvalTables.registerViews(spark, config.storage().warehouse(), config.eval());
    if (!config.eval().tasks().isEmpty() && !r.evaluated().isEmpty()) {
      SqlCommand.printQuery(spark, "SELECT run, task, step, items, correct, round(acc, 3) AS acc, round(acc_norm, 3) AS acc_norm, "
          + "round(acc_se, 3) AS acc_se FROM eval_tasks ORDER BY run, task, step", out);
    }
    if (r.replaced().isEmpty()) {
      return;
    }
    String runs = String.join(", ", r.replaced().keySet().stream().map(s -> "'" + s.replace("'", "''") + "'").toList());
    SqlCommand.printQuery(spark, "SELECT run, dataset, step, documents, tokens, bytes, round(bits_per_byte, 4) AS bits_per_byte, "
        + "round(bits_per_byte_se, 4) AS bpb_se, round(perplexity, 3) AS token_ppl FROM eval_summary "
        + "WHERE domain = '*' AND run IN (" + runs + ") ORDER BY run, dataset, step", out);
  }
}
