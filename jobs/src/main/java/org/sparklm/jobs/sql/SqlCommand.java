package org.sparklm.jobs.sql;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.ResultPrinter;
import org.sparklm.jobs.common.Tables;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.StorageSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over the project's tables and print the result.",
        "Every Parquet table under the warehouse is a view named by its path (demo_ingest_documents) and, "
            + "when unique, by its folder (documents); parquet.`/any/path` works too."})
public final class SqlCommand extends SparkCommand {
  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query")
  String query;

  @Option(names = "--format", paramLabel = "FMT", defaultValue = "table",
      description = "table, csv or json (JSON Lines); default ${DEFAULT-VALUE}")
  ResultPrinter.Format format;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Folder whose tables are registered (setting storage.warehouse)")
  String warehouse;

  @Option(names = "--max-rows", paramLabel = "N", defaultValue = "1000", description = "Most rows printed; default ${DEFAULT-VALUE}")
  int maxRows;

  @Option(names = "--tables", description = "List the registered tables before the result")
  boolean listTables;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    if (warehouse == null) {
      return c;
    }
    return c.withStorage(new StorageSettings(warehouse, c.storage().tables()));
  }

  @Override
  public List<String> settingsSections() {
    return List.of("storage", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) throws Exception {
    Map<String, String> tables = Tables.register(spark, config.storage().warehouse(), config.storage().tables());
    if (listTables) {
      tables.forEach((n, p) -> System.err.println("table " + n + " = " + p));
    }
    try {
      Dataset<Row> df = spark.sql(query);
      ResultPrinter.print(df, format, maxRows, out());
    } catch (Exception e) {
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw e;
      }
      String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new JobException("query failed: " + msg + (tables.isEmpty()
          ? " (no tables found under warehouse '" + config.storage().warehouse() + "')"
          : " (tables: " + String.join(", ", tables.keySet()) + ")"), e);
    }
    return 0;
  }

  /** Runs {@code query} on a session whose tables are registered, printing as the command does. */
  public static void printQuery(SparkSession spark, String query, java.io.PrintStream out) {
    ResultPrinter.print(spark.sql(query), ResultPrinter.Format.table, 1000, out);
  }
}
