package org.sparklm.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/** A real local Spark session for tests, and a way to run the CLI in-process and see what it printed. */
public final class SparkTests {
  private SparkTests() {}

  public static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("sparklm-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /** What a command printed and returned. */
  public record Cli(int code, String out, String err) {
    public String firstErrLine() {
      return err.lines().filter(l -> l.startsWith("sparklm ")).findFirst().orElse("");
    }
  }

  /**
   * Runs {@code bin/sparklm args...} in this JVM capturing stdout and stderr. Commands reuse the
   * test session (local[2], no UI) as they would any running session, so tests stay fast.
   */
  public static synchronized Cli cli(String... args) {
    session();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--set";
    all[args.length + 1] = "spark.conf.spark.ui.enabled=false";
    all[args.length + 2] = "--master";
    all[args.length + 3] = "local[2]";
    if (args.length > 0 && (args[args.length - 1].equals("--help") || args[0].equals("--help") || args[0].equals("config"))) {
      all = args;
    }
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(all);
      return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
