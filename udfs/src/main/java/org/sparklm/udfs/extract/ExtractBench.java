package org.sparklm.udfs.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.sparklm.udfs.ingest.WarcIngest;

/**
 * The extraction benchmark (a command, not a test): MB of HTML per CPU-second of one thread for
 * {@link StreamingMainContent}, jsoup's parse alone and {@link MainContent} on the same pages in
 * the same run, then {@link WarcIngest#read} (gunzip, jwarc, charset decoding, extraction) of the
 * WARC with each extractor. CPU time, not the wall clock, so that a shared machine disturbs the
 * figures less (the wall clock is printed too).
 *
 * <pre>
 * java -cp "jobs/target/sparklm.jar:jobs/target/spark-home/jars/*" org.sparklm.udfs.extract.ExtractBench \
 *     [WARC (default ../shared/data/dev-crawl.warc.gz)] [ROUNDS (default 15)] [WARM-UP ROUNDS (default 10)]
 * </pre>
 */
public final class ExtractBench {
  private ExtractBench() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws IOException {
    Path warc = Path.of(args.length > 0 ? args[0] : "../shared/data/dev-crawl.warc.gz");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    byte[] bytes = Files.readAllBytes(warc);
    List<String> pages = new ArrayList<>();
    try (WarcReader r = new WarcReader(new ByteArrayInputStream(bytes))) {
      for (WarcRecord rec : r) {
        if (rec instanceof WarcResponse resp && resp.http().status() == 200 && resp.http().contentType().base().equals(MediaType.HTML)) {
          pages.add(new String(resp.http().body().stream().readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    long html = 0;
    for (String p : pages) {
      html += p.getBytes(StandardCharsets.UTF_8).length;
    }
    System.out.printf("%s: %d HTML pages, %.1f MB of HTML per round, %d rounds after %d warm-up rounds%n",
        warc, pages.size(), html / 1e6, rounds, warmup);
    for (String which : List.of("streaming", "jsoup-parse-only", "main-content-dom", "streaming")) {
      long sink = 0;
      for (int w = 0; w < warmup; w++) {
        for (String p : pages) {
          sink += run(which, p);
        }
      }
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        for (String p : pages) {
          sink += run(which, p);
        }
      }
      print(which, html * (double) rounds, "HTML", c0, t0, sink);
    }
    for (WarcIngest.Extractor ex : List.of(WarcIngest.Extractor.MAIN_CONTENT, WarcIngest.Extractor.MAIN_CONTENT_DOM)) {
      WarcIngest.Options o = new WarcIngest.Options(16 << 20, 0.01, List.of("text/html", "application/xhtml+xml", "text/plain"),
          ex, MainContent.Limits.DEFAULTS);
      long[] items = {0};
      for (int w = 0; w < Math.max(1, warmup / 3); w++) {
        WarcIngest.read(warc.toString(), new ByteArrayInputStream(bytes), o, it -> items[0]++);
      }
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        WarcIngest.read(warc.toString(), new ByteArrayInputStream(bytes), o, it -> items[0]++);
      }
      print("ingest " + ex.name().toLowerCase(java.util.Locale.ROOT), bytes.length * (double) rounds, "gzip WARC", c0, t0, items[0]);
    }
  }

  private static long run(String which, String page) {
    return switch (which) {
      case "streaming" -> StreamingMainContent.extract(page, "").text().length();
      case "jsoup-parse-only" -> Jsoup.parse(page).childNodeSize();
      default -> MainContent.extract(page, "").text().length();
    };
  }

  private static void print(String what, double bytes, String unit, long cpu0, long wall0, long sink) {
    double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double wall = (System.nanoTime() - wall0) / 1e9;
    System.out.printf("%-28s %7.1f MB/s of %s per CPU-second (%.2f s CPU, %.2f s wall, %.0f MB; checksum %d)%n",
        what, bytes / 1e6 / cpu, unit, cpu, wall, bytes / 1e6, sink % 1000);
  }
}
