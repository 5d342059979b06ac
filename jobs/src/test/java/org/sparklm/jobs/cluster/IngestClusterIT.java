package org.sparklm.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;
import org.sparklm.udfs.ingest.TestWarcs;

/**
 * {@code ingest} submitted with {@code bin/spark-submit} to a real standalone cluster (a Master
 * and two Workers on 127.0.0.1, one executor JVM each) writes the same tables as local mode.
 */
@Tag("cluster")
class IngestClusterIT {
  @TempDir
  Path dir;

  @Test
  void ingestOnAStandaloneClusterEqualsLocalMode() throws Exception {
    Path crawl = Files.createDirectories(dir.resolve("crawl"));
    // several files, so that both executors get tasks (one task per file)
    for (int i = 0; i < 4; i++) {
      Files.copy(TestWarcs.devSample(), crawl.resolve("part-" + i + ".warc.gz"));
    }
    byte[] whole = Files.readAllBytes(TestWarcs.devSample());
    Files.write(crawl.resolve("part-9-cut.warc.gz"), Arrays.copyOf(whole, whole.length - 5000));
    Files.writeString(crawl.resolve("notes.txt"), "not a WARC file");
    String clusterOut = dir.resolve("cluster-out").toString();

    List<ProcessHandle> started;
    try (LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), 2, 1, "1g")) {
      LocalCluster.Submission s = cluster.submit(
          List.of("--class", "org.sparklm.jobs.Main", "--conf", "spark.executor.cores=1",
              "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2"),
          List.of("ingest", "--input", crawl.toString(), "--output", clusterOut), Duration.ofMinutes(5));
      assertEquals(0, s.code(), "spark-submit failed:\n" + s.err());
      assertTrue(s.out().contains("ingest: 6 files, 416 response records -> 414 documents, 2 rejects"), s.out() + s.err());
      assertTrue(s.err().contains("ingest: warning: not_warc at "), "one warning line per unreadable file: " + s.err());
      // both Workers launched an executor, and each executor ran tasks
      for (int w = 0; w < 2; w++) {
        List<Path> logs = cluster.executorLogs(w);
        assertEquals(1, logs.size(), "worker " + w + " executors: " + logs);
      }
      started = cluster.alive();
      assertFalse(started.isEmpty());
    }
    for (ProcessHandle p : started) {
      p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertFalse(p.isAlive(), "cluster process " + p.pid() + " still running");
    }

    SparkTests.Cli local = SparkTests.cli("ingest", "--input", crawl.toString(), "--output", dir.resolve("local-out").toString());
    assertEquals(0, local.code(), local.err());
    SparkSession spark = SparkTests.session();
    for (String table : List.of("documents", "rejects")) {
      Dataset<Row> a = spark.read().parquet(clusterOut + "/" + table);
      Dataset<Row> b = spark.read().parquet(dir.resolve("local-out/" + table).toString());
      assertEquals(b.count(), a.count(), table);
      assertEquals(0, a.exceptAll(b).count(), table + ": cluster rows differ from local rows");
      assertEquals(0, b.exceptAll(a).count(), table + ": local rows differ from cluster rows");
    }
  }
}
