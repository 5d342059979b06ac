package org.sparklm.jobs.clean;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.CleanConfig;
import org.sparklm.jobs.config.SparklmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "clean", mixinStandardHelpOptions = true,
    description = "Filter documents with the URL blocklist, language ID and the Gopher, C4 and FineWeb rules, and "
        + "redact PII: kept documents to documents/, every dropped document with its first failing rule and "
        + "measured value to dropped/, documents and bytes per rule to filter_stats/.")
public final class CleanCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH", description = "ingest output folder, its documents/ table, or Parquet files; repeatable (setting clean.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting clean.output)")
  String output;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    CleanConfig k = c.clean();
    if (input != null) {
      k = k.withInput(input);
    }
    if (output != null) {
      k = k.withOutput(output);
    }
    return c.withClean(k);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("clean", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    report(CleanJob.run(spark, config.clean()), out());
    return 0;
  }

  /** The summary on stdout: documents in, kept, dropped and the drops per rule. */
  public static void report(CleanJob.Result r, PrintStream out) {
    StringBuilder rules = new StringBuilder();
    for (Map.Entry<String, Long> e : r.droppedByRule().entrySet()) {
      rules.append(rules.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    out.printf("clean: %d documents -> %d kept, %d dropped%s%n", r.documentsIn(), r.kept(), r.dropped(),
        rules.length() == 0 ? "" : " (" + rules + ")");
    out.printf("clean: wrote %s, %s and %s%n", r.documentsPath(), r.droppedPath(), r.statsPath());
  }
}
