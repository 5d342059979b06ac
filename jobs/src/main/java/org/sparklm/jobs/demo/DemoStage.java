package org.sparklm.jobs.demo;

import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.config.SparklmConfig;

/**
 * One pipeline stage of the demo: runs its job on the previous stage's output under the demo's
 * work folder, then prints what SQL over its tables says. Every figure it prints must come from
 * a query on tables it just wrote.
 */
public interface DemoStage {
  /** Short name, also the stage's subfolder of the work folder (e.g. {@code ingest}). */
  String name();

  /** One line saying what the stage does, for the heading. */
  String title();

  void run(Context ctx);

  /** What a stage gets: the session, the config, the work folder and the demo's inputs. */
  record Context(SparkSession spark, SparklmConfig config, String workDir, java.util.List<String> inputs,
                 PrintStream out, PrintStream err) {
    /** The output folder of stage {@code name}. */
    public String dir(String name) {
      return workDir + "/" + name;
    }

    /** Registers every table under the work folder and prints {@code query}'s result. */
    public void sql(String heading, String query) {
      org.sparklm.jobs.common.Tables.register(spark, workDir, config.storage().tables());
      out.println();
      out.println("-- " + heading);
      org.sparklm.jobs.sql.SqlCommand.printQuery(spark, query, out);
    }
  }
}
