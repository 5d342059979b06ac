package org.sparklm.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;

/**
 * Three {@code evaluate} jobs in three JVMs at once on one warehouse (one SQLite catalog): every
 * commit lands, and two jobs writing the same (run, step, dataset) leave one copy of its rows.
 */
class ConcurrentEvaluateTest {
  @TempDir
  Path tmp;

  @Test
  void threeJobsAtOnceLoseAndDuplicateNothing() throws Exception {
    Path run = EvalFixtures.trainedRun(tmp.resolve("runs/tiny"), 2, 2); // one checkpoint: the JVMs' start-up is the cost
    Path brown = EvalFixtures.brownJsonl(tmp.resolve("data"));
    Path wh = tmp.resolve("warehouse");
    List<Process> jobs = new ArrayList<>();
    // r1 twice: the second replaces the first's partitions, whichever commits last
    for (String name : List.of("r1", "r2", "r1")) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("--add-") || a.startsWith("-D") || a.startsWith("-XX:+Ignore")) {
          cmd.add(a);
        }
      }
      cmd.addAll(List.of("-Xmx768m", "-Dsparklm.noExit=false", "-cp", System.getProperty("java.class.path"),
          "org.sparklm.jobs.Main", "evaluate", "--master", "local[1]", "--warehouse", wh.toString(), "--run", run.toString(),
          "--run-name", name, "--dataset", "brown=" + brown, "--set", "eval.max_docs=4", "--set", "eval.bootstrap_samples=10",
          "--set", "eval.threads=1", "--set", "spark.conf.spark.ui.enabled=false"));
      File log = tmp.resolve("job-" + jobs.size() + ".log").toFile();
      jobs.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start());
    }
    for (int i = 0; i < jobs.size(); i++) {
      Process p = jobs.get(i);
      if (!p.waitFor(600, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      assertEquals(0, p.exitValue(), "job " + i + ":\n" + tail(tmp.resolve("job-" + i + ".log")));
    }
    SparkTests.Cli r = SparkTests.cli("sql", "--warehouse", wh.toString(), "SELECT 1");
    assertEquals(0, r.code(), r.err());
    List<Row> rows = SparkTests.session().sql("SELECT run, step, count(*), count(DISTINCT doc_id) FROM eval_docs "
        + "GROUP BY run, step ORDER BY run, step").collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    for (Row row : rows) {
      assertEquals(4L, row.getLong(2), "documents of " + row);
      assertEquals(4L, row.getLong(3), "distinct documents of " + row);
    }
    assertEquals(2L, SparkTests.session().sql("SELECT count(*) FROM eval_summary WHERE domain = '*'").first().getLong(0));
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
