package org.sparklm.jobs;

import java.io.PrintWriter;
import java.util.List;
import org.sparklm.jobs.cli.ConfigCommand;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.clean.BenchCleanCommand;
import org.sparklm.jobs.clean.CleanCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.dedup.DedupCommand;
import org.sparklm.jobs.demo.DemoCommand;
import org.sparklm.jobs.evaluate.EvaluateCommand;
import org.sparklm.jobs.ingest.IngestCommand;
import org.sparklm.jobs.report.ReportCommand;
import org.sparklm.jobs.sql.SqlCommand;
import org.sparklm.jobs.train.ExportCommand;
import org.sparklm.jobs.train.TrainCommand;
import org.sparklm.jobs.tokenize.TokenizeCommand;
import org.sparklm.jobs.tokenize.TokenizerBenchCommand;
import org.sparklm.jobs.tokenize.TokenizerCheckCommand;
import org.sparklm.jobs.tokenize.TrainTokenizerCommand;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.config.ConfigHelp;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The sparklm command line: {@code bin/sparklm <command>} locally, and
 * {@code spark-submit --class org.sparklm.jobs.Main sparklm.jar <command>} on a cluster.
 *
 * <p>Exit codes: 0 the command did what was asked; 1 it could not (the first line on stderr says
 * why, naming the input, key or record); 2 the command line or config is wrong.
 */
@Command(name = "sparklm", mixinStandardHelpOptions = true, version = "sparklm 0.1.0",
    description = {"Web crawl to a trained GPT on Apache Spark, with SQL-queryable evaluation.", ""},
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'sparklm <command> --help' for a command's options and settings with their defaults.",
        "Settings come from defaults, then --config FILE (YAML, see configs/), then --set key=value."},
    subcommands = {IngestCommand.class, CleanCommand.class, DedupCommand.class, TrainTokenizerCommand.class, TokenizeCommand.class, TrainCommand.class, ExportCommand.class,
        EvaluateCommand.class, ReportCommand.class, SqlCommand.class, DemoCommand.class, ConfigCommand.class,
        TokenizerCheckCommand.class, TokenizerBenchCommand.class, BenchCleanCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    exit(run(args));
  }

  /** Exits the JVM unless asked not to ({@code -Dsparklm.noExit=true}, for tests). */
  public static void exit(int code) {
    System.out.flush();
    System.err.flush();
    if (!Boolean.getBoolean("sparklm.noExit")) {
      System.exit(code);
    }
  }

  public static int run(String... args) {
    CommandLine cli = commandLine();
    return cli.execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, cmd.getCommandName(), cmd.getErr()));
    cli.setUsageHelpWidth(120);
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommand() instanceof SparkCommand sc && !sc.settingsSections().isEmpty()) {
        sub.getCommandSpec().usageMessage().footer(settingsFooter(sc.settingsSections()));
      }
    }
    return cli;
  }

  private static String[] settingsFooter(List<String> sections) {
    java.util.ArrayList<String> lines = new java.util.ArrayList<>();
    lines.add("");
    lines.add("Settings (--set key=value or in a --config file), with their defaults:");
    for (String section : sections) {
      for (var rc : SparklmConfig.class.getRecordComponents()) {
        if (rc.getName().equals(section)) {
          try {
            Record defaults = (Record) rc.getAccessor().invoke(SparklmConfig.DEFAULTS);
            @SuppressWarnings("unchecked")
            Class<? extends Record> type = (Class<? extends Record>) rc.getType();
            lines.addAll(ConfigHelp.describe(type, defaults, section));
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return lines.stream().map(l -> l.replace("%", "%%")).toArray(String[]::new);
  }

  static int handle(Exception ex, String command, PrintWriter err) {
    String prefix = "sparklm " + command + ": error: ";
    if (ex instanceof ConfigException) {
      err.println(prefix + ex.getMessage());
      return 2;
    }
    if (ex instanceof JobException) {
      err.println(prefix + ex.getMessage());
      for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
        err.println("  caused by: " + c);
      }
      return 1;
    }
    err.println(prefix + "unexpected " + ex);
    ex.printStackTrace(err);
    return 1;
  }
}
