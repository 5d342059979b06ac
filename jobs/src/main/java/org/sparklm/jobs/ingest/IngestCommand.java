package org.sparklm.jobs.ingest;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.IngestConfig;
import org.sparklm.jobs.config.SparklmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Read WARC files into a documents table (url, fetched_at, text...) and a rejects table "
        + "(source, reason, detail). Every response record lands in one of the two.")
public final class IngestCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH", description = "WARC file, folder or glob; repeatable (setting ingest.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting ingest.output)")
  String output;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    IngestConfig i = c.ingest();
    if (input != null) {
      i = i.withInput(input);
    }
    if (output != null) {
      i = i.withOutput(output);
    }
    return c.withIngest(i);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("ingest", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    IngestJob.Result r = IngestJob.run(spark, config.ingest());
    report(r, out(), System.err);
    return 0;
  }

  /** The summary on stdout; on stderr one warning line per unreadable file or record (at most 5). */
  public static void report(IngestJob.Result r, java.io.PrintStream out, java.io.PrintStream err) {
    StringBuilder reasons = new StringBuilder();
    for (Map.Entry<String, Long> e : r.rejectsByReason().entrySet()) {
      reasons.append(reasons.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    out.printf("ingest: %d file%s, %d response records -> %d documents, %d rejects%s%n", r.files(),
        r.files() == 1 ? "" : "s", r.documents() + r.rejects(), r.documents(), r.rejects(),
        reasons.length() == 0 ? "" : " (" + reasons + ")");
    out.printf("ingest: wrote %s and %s%n", r.documentsPath(), r.rejectsPath());
    for (Row s : r.sampleRejects()) {
      Row src = s.getStruct(0);
      err.printf("ingest: warning: %s at %s offset %d: %s%n", s.getString(2), src.getString(0), src.getLong(1), s.getString(3));
    }
  }
}
