package org.sparklm.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.cluster.LocalCluster;

/**
 * {@code dedup} submitted with {@code bin/spark-submit} to a real standalone cluster (a Master and
 * two Workers on 127.0.0.1, one executor JVM each) writes exactly the tables local mode writes.
 * Needs {@code mvn package} first (the failsafe ITs run after it in {@code mvn verify}).
 */
@Tag("cluster")
class DedupClusterIT {
  @TempDir
  static Path dir;

  @BeforeAll
  static void corpus() throws Exception {
    DedupJobTest.prepare(Files.createDirectories(dir.resolve("local"))); // DedupJobTest's planted corpus, local[2]
  }

  @AfterAll
  static void stop() {
    DedupJobTest.stop();
  }

  @Test
  void dedupOnAStandaloneClusterEqualsLocalMode() throws Exception {
    String clusterOut = dir.resolve("cluster-out").toString();
    try (LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), 2, 1, "1g")) {
      LocalCluster.Submission s = cluster.submit(
          List.of("--class", "org.sparklm.jobs.Main", "--conf", "spark.executor.cores=1",
              "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
              "--conf", "spark.sql.shuffle.partitions=8"),
          List.of("dedup", "--input", DedupJobTest.input, "--output", clusterOut), Duration.ofMinutes(25));
      assertEquals(0, s.code(), "spark-submit failed:\n" + s.err());
      assertTrue(s.out().contains("dedup: 147 documents -> 64 kept, 16 exact duplicates, 64 near duplicates removed, 3 rejects"),
          s.out() + s.err());
    }
    DedupJobTest.Run local = DedupJobTest.run(4);
    assertEquals(local.documents(), DedupJobTest.read(clusterOut + "/documents"));
    assertEquals(local.duplicates(), DedupJobTest.read(clusterOut + "/duplicates"));
    assertEquals(local.rejects(), DedupJobTest.read(clusterOut + "/rejects"));
  }
}
