package org.sparklm.jobs.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.DemoConfig;
import org.sparklm.jobs.config.SparklmConfig;
import picocli.CommandLine.Command;

/**
 * Runs every pipeline stage that exists on the small crawl in {@code data/demo/}, into
 * {@code work/demo/}, each stage printing what SQL over its tables says.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the pipeline on the bundled crawl sample into work/demo/ and print a SQL summary of each stage.")
public final class DemoCommand extends SparkCommand {

  /** The stages, in pipeline order; each later issue appends its own. */
  public static List<DemoStage> stages() {
    return List.of(new IngestStage(), new CleanStage(), new DedupStage(), new org.sparklm.jobs.tokenize.TrainTokenizerStage(),
        new org.sparklm.jobs.tokenize.TokenizeStage(), new TrainStage(), new org.sparklm.jobs.train.dist.DistTrainStage(),
        new EvaluateStage());
  }

  @picocli.CommandLine.Option(names = "--workers", paramLabel = "N",
      description = "Also train data-parallel with N workers on a local standalone cluster (setting demo.workers)")
  Integer workers;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    return workers == null ? c : c.withDemo(c.demo().withWorkers(workers));
  }

  /** {@code configs/demo.yaml} of the checkout drives the demo unless {@code --config} says otherwise. */
  @Override
  protected Path defaultConfigFile() {
    Path p = Path.of(resolve("configs/demo.yaml"));
    return java.nio.file.Files.isRegularFile(p) ? p : null;
  }

  @Override
  public List<String> settingsSections() {
    return List.of("demo", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    DemoConfig demo = config.demo();
    String work = resolve(demo.workDir());
    List<String> inputs = new ArrayList<>();
    for (String in : demo.input()) {
      inputs.add(resolve(in));
    }
    var out = out();
    out.println("== sparklm demo: " + String.join(", ", inputs) + " -> " + work);
    DemoStage.Context ctx = new DemoStage.Context(spark, config, work, inputs, out, System.err);
    int i = 1;
    for (DemoStage stage : stages()) {
      out.println();
      out.println("== " + (i++) + ". " + stage.name() + ": " + stage.title());
      stage.run(ctx);
    }
    out.println();
    out.println("Query the tables: bin/sparklm sql --warehouse " + work + " \"SELECT url, length(text) FROM documents LIMIT 10\"");
    return 0;
  }

  /** Relative demo paths are relative to the sparklm checkout ({@code -Dsparklm.home}, set by bin/sparklm). */
  static String resolve(String p) {
    if (p.contains("://") || p.startsWith("/")) {
      return p;
    }
    String home = System.getProperty("sparklm.home");
    return (home == null ? Path.of(p) : Path.of(home).resolve(p)).toAbsolutePath().normalize().toString();
  }
}
