package org.sparklm.jobs.dedup;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.DedupConfig;
import org.sparklm.jobs.config.SparklmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dedup", mixinStandardHelpOptions = true,
    description = "Remove exact copies (normalized text) and near duplicates (MinHash LSH, connected components) "
        + "from a documents table: kept documents with cluster_id and cluster_size, plus a duplicates table "
        + "saying which kept document replaced each removed one.")
public final class DedupCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "DIR",
      description = "Folder holding documents/ (e.g. an ingest output) or a documents table; repeatable (setting dedup.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting dedup.output)")
  String output;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    DedupConfig d = c.dedup();
    if (input != null) {
      d = d.withInput(input);
    }
    if (output != null) {
      d = d.withOutput(output);
    }
    return c.withDedup(d);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("dedup", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    DedupJob.Result r = DedupJob.run(spark, config.dedup());
    report(r, out());
    return 0;
  }

  /** The summary on stdout. */
  public static void report(DedupJob.Result r, PrintStream out) {
    out.printf("dedup: %d documents -> %d kept, %d exact duplicates, %d near duplicates removed, %d rejects%n",
        r.inputDocuments(), r.keptDocuments(), r.exactDuplicates(), r.nearDuplicates(), r.rejects());
    out.printf("dedup: %d candidate pairs, connected components in %d round%s%n", r.candidatePairs(),
        r.componentRounds(), r.componentRounds() == 1 ? "" : "s");
    out.printf("dedup: wrote %s, %s and %s%n", r.documentsPath(), r.duplicatesPath(), r.rejectsPath());
  }
}
