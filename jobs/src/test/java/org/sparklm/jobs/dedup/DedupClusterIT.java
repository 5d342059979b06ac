package org.sparklm.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    try (MiniCluster cluster = MiniCluster.start(dir.resolve("cluster"), 2, 1, "1g")) {
      MiniCluster.Submission s = cluster.submit(
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

  /**
   * The smallest standalone cluster: a Master and N Workers from {@code jobs/target/spark-home}
   * (see the shared README for the environment they need). Same calls as the project's shared
   * cluster harness, so this class can be replaced by it.
   */
  static final class MiniCluster implements AutoCloseable {
    record Submission(int code, String out, String err) {}

    private final Path dir;
    private final int port;
    private final List<Process> processes = new ArrayList<>();

    private MiniCluster(Path dir, int port) {
      this.dir = dir;
      this.port = port;
    }

    static Path repo() {
      return Path.of(System.getProperty("sparklm.repo.root", "..")).toAbsolutePath().normalize();
    }

    static MiniCluster start(Path dir, int workers, int cores, String memory) throws Exception {
      MiniCluster c = new MiniCluster(Files.createDirectories(dir), freePort());
      try {
        Path masterLog = dir.resolve("master.log");
        c.launch(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
            "--port", String.valueOf(c.port), "--webui-port", String.valueOf(freePort()));
        waitFor(masterLog, "I have been elected leader");
        for (int i = 0; i < workers; i++) {
          Path log = dir.resolve("worker-" + i + ".log");
          c.launch(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", String.valueOf(cores),
              "--memory", memory, "--work-dir", Files.createDirectories(dir.resolve("worker-" + i)).toString(),
              "--webui-port", String.valueOf(freePort()), "spark://127.0.0.1:" + c.port);
          waitFor(log, "Successfully registered with master");
        }
        return c;
      } catch (Exception | AssertionError e) { // waitFor fails with an AssertionError: stop what started
        c.close();
        throw e;
      }
    }

    /** What bin/spark-submit runs (SparkSubmit from spark-home), with jackson-core added as for the daemons. */
    Submission submit(List<String> sparkArgs, List<String> appArgs, Duration timeout) throws Exception {
      String opts = String.join(" ", jvmOptions());
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(jvmOptions());
      cmd.addAll(List.of("-cp", classpath(), "org.apache.spark.deploy.SparkSubmit",
          "--conf", "spark.driver.extraJavaOptions=" + opts, "--conf", "spark.executor.extraJavaOptions=" + opts,
          "--conf", "spark.executor.extraClassPath=" + jacksonJar(),
          "--master", "spark://127.0.0.1:" + port, "--deploy-mode", "client",
          "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1"));
      cmd.addAll(sparkArgs);
      cmd.add(repo().resolve("jobs/target/sparklm.jar").toString());
      cmd.addAll(appArgs);
      Path out = Files.createTempFile(dir, "submit", ".out");
      Path err = Files.createTempFile(dir, "submit", ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      env(pb);
      Process p = pb.start();
      processes.add(p);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("spark-submit did not finish in " + timeout + "; stderr:\n" + Files.readString(err));
      }
      return new Submission(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private void launch(Path log, String mainClass, String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
      cmd.addAll(jvmOptions());
      cmd.addAll(List.of("-cp", classpath(), mainClass));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      env(pb);
      processes.add(pb.start());
    }

    private static List<String> jvmOptions() throws IOException {
      return Files.readAllLines(repo().resolve("bin/jvm-options")).stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** spark-home's jars, plus jackson-core: Spark needs it and this branch's spark-home lacks it (main's build adds it). */
    private static String classpath() throws Exception {
      return repo().resolve("jobs/target/spark-home/jars") + "/*:" + jacksonJar();
    }

    private static String jacksonJar() throws Exception {
      return Path.of(com.fasterxml.jackson.core.Versioned.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void env(ProcessBuilder pb) {
      pb.environment().put("SPARK_HOME", repo().resolve("jobs/target/spark-home").toString());
      pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // else: "Cannot find any build directories"
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }

    private static void waitFor(Path log, String line) throws Exception {
      long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < end) {
        if (Files.exists(log) && Files.readString(log).contains(line)) {
          return;
        }
        Thread.sleep(200);
      }
      throw new AssertionError("no '" + line + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** Stops every process it started, children (executors) included. */
    @Override
    public void close() {
      for (int i = processes.size() - 1; i >= 0; i--) {
        Process p = processes.get(i);
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }
}
