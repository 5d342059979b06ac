package org.sparklm.jobs.clean;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.ingest.IngestJob;
import org.sparklm.udfs.ingest.WarcRecordWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of ingest + clean in MB of compressed WARC per second per core, next to {@code zcat}
 * of the same file measured in the same run. The WARC is the given crawl repeated with new record
 * ids until it reaches {@code --mb}; run with {@code --master local[1]} to measure one core.
 */
@Command(name = "bench-clean", mixinStandardHelpOptions = true,
    description = "Benchmark ingest + clean on a WARC of at least --mb MB (the --source crawl repeated with new record ids), "
        + "next to zcat of the same file.")
public final class BenchCleanCommand extends SparkCommand {
  @Option(names = "--source", paramLabel = "WARC", required = true, description = "A gzip-per-record WARC to repeat, e.g. ../shared/data/dev-crawl.warc.gz")
  Path source;

  @Option(names = "--mb", paramLabel = "N", defaultValue = "100", description = "Size of the generated WARC in MB (default ${DEFAULT-VALUE})")
  int mb;

  @Option(names = "--work", paramLabel = "DIR", defaultValue = "/tmp/sparklm-bench-clean", description = "Scratch folder (default ${DEFAULT-VALUE})")
  Path work;

  @Override
  protected int run(SparkSession spark, SparklmConfig config) throws Exception {
    Files.createDirectories(work);
    Path warc = work.resolve("bench-" + mb + "mb.warc.gz");
    if (!Files.exists(warc)) {
      long t = System.nanoTime();
      int copies = grow(source, warc, (long) mb << 20);
      out().printf("bench-clean: wrote %s (%d copies of %s) in %.1f s%n", warc, copies, source, (System.nanoTime() - t) / 1e9);
    }
    double sizeMb = Files.size(warc) / 1e6;
    int cores = spark.sparkContext().defaultParallelism();

    long z0 = System.nanoTime();
    Process zcat = new ProcessBuilder("zcat", warc.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (zcat.waitFor() != 0) {
      throw new JobException("bench-clean: zcat failed on " + warc);
    }
    double zcatS = (System.nanoTime() - z0) / 1e9;

    long i0 = System.nanoTime();
    IngestJob.Result ing = IngestJob.run(spark, config.ingest().withInput(List.of(warc.toString()))
        .withOutput(work.resolve("ingest").toString()));
    double ingestS = (System.nanoTime() - i0) / 1e9;
    long c0 = System.nanoTime();
    CleanJob.Result cl = CleanJob.run(spark, config.clean().withInput(List.of(work.resolve("ingest").toString()))
        .withOutput(work.resolve("clean").toString()));
    double cleanS = (System.nanoTime() - c0) / 1e9;

    double total = ingestS + cleanS;
    double perCore = sizeMb / total / cores;
    double zcatRate = sizeMb / zcatS; // zcat is single-threaded: this is per core
    out().printf("bench-clean: %.1f MB compressed WARC, %d documents, %d kept; Spark cores: %d%n", sizeMb, ing.documents(), cl.kept(), cores);
    out().printf("bench-clean: zcat            %7.1f s  %7.1f MB/s per core%n", zcatS, zcatRate);
    out().printf("bench-clean: ingest          %7.1f s  %7.2f MB/s per core%n", ingestS, sizeMb / ingestS / cores);
    out().printf("bench-clean: clean           %7.1f s  %7.2f MB/s per core%n", cleanS, sizeMb / cleanS / cores);
    out().printf("bench-clean: ingest + clean  %7.1f s  %7.2f MB/s per core = %.1f%% of zcat%n", total, perCore, 100 * perCore / zcatRate);
    return 0;
  }

  /** Writes {@code source}'s response records again and again, each copy with new record ids, until {@code target} bytes. */
  static int grow(Path source, Path target, long bytes) throws IOException {
    int copies = 0;
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
         WarcRecordWriter w = new WarcRecordWriter(os, true)) {
      while (Files.size(tmp) < bytes || copies == 0) {
        try (InputStream in = Files.newInputStream(source); WarcReader r = new WarcReader(in)) {
          for (WarcRecord rec : r) {
            if (rec instanceof WarcResponse resp) {
              byte[] block = resp.body().stream().readAllBytes();
              w.response(resp.target(), resp.date(), UUID.randomUUID(), block);
            }
          }
        }
        copies++;
        os.flush();
      }
    }
    Files.move(tmp, target);
    return copies;
  }

  @Override
  public List<String> settingsSections() {
    return List.of("ingest", "clean", "spark");
  }
}
