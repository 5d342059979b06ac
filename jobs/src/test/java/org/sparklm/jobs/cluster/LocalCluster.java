package org.sparklm.jobs.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.sparklm.udfs.ingest.TestWarcs;

/**
 * A real Spark standalone cluster on 127.0.0.1, started from the project's own jars: one Master
 * and N Workers, each its own JVM, with SPARK_HOME = {@code jobs/target/spark-home} (made by the
 * build). Jobs go to it through {@code bin/spark-submit} with the application jar
 * {@code jobs/target/sparklm.jar}, as they would on any cluster. Closing it stops every process
 * it started, executors included.
 */
public final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final Path sparkHome;
  private final int port;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> workerDirs = new ArrayList<>();

  /** What a submitted application printed and returned. */
  public record Submission(int code, String out, String err) {}

  private LocalCluster(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.sparkHome = repo().resolve("jobs/target/spark-home");
  }

  public static Path repo() {
    return TestWarcs.repoRoot();
  }

  public static Path appJar() {
    return repo().resolve("jobs/target/sparklm.jar");
  }

  /** Starts a Master and {@code workers} Workers with {@code cores} cores and {@code memory} each; waits until all registered. */
  public static LocalCluster start(Path dir, int workers, int cores, String memory) throws Exception {
    LocalCluster c = new LocalCluster(Files.createDirectories(dir), freePort());
    if (!Files.isDirectory(c.sparkHome.resolve("jars")) || !Files.isRegularFile(appJar())) {
      throw new IllegalStateException("run 'mvn package' first: " + c.sparkHome + " or " + appJar() + " is missing");
    }
    try {
      Path masterLog = dir.resolve("master.log");
      c.launch(masterLog, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(c.port), "--webui-port", String.valueOf(freePort()));
      waitFor(masterLog, "I have been elected leader", Duration.ofSeconds(60));
      for (int i = 0; i < workers; i++) {
        Path wd = Files.createDirectories(dir.resolve("worker-" + i));
        c.workerDirs.add(wd);
        Path log = dir.resolve("worker-" + i + ".log");
        c.launch(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", String.valueOf(cores),
            "--memory", memory, "--work-dir", wd.toString(), "--webui-port", String.valueOf(freePort()), c.masterUrl());
        waitFor(log, "Successfully registered with master", Duration.ofSeconds(60));
      }
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** {@code bin/spark-submit --master <this cluster> <sparkArgs...> sparklm.jar <appArgs...>}. */
  public Submission submit(List<String> sparkArgs, List<String> appArgs, Duration timeout) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(repo().resolve("bin/spark-submit").toString(),
        "--master", masterUrl(), "--deploy-mode", "client",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1"));
    cmd.addAll(sparkArgs);
    cmd.add(appJar().toString());
    cmd.addAll(appArgs);
    Path out = Files.createTempFile(dir, "submit", ".out");
    Path err = Files.createTempFile(dir, "submit", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    env(pb.environment());
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(p);
      throw new AssertionError("spark-submit did not finish in " + timeout + "; stderr:\n" + Files.readString(err));
    }
    return new Submission(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The stderr logs of every executor that ran on worker {@code i}. */
  public List<Path> executorLogs(int i) throws IOException {
    try (Stream<Path> s = Files.walk(workerDirs.get(i))) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
    }
  }

  private void launch(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m"));
    cmd.addAll(jvmOptions());
    cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    env(pb.environment());
    processes.add(pb.start());
  }

  private void env(Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome.toString());
    // without it every executor launch fails with "Cannot find any build directories"
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARKLM_SKIP_BUILD", "1");
  }

  static List<String> jvmOptions() throws IOException {
    return Files.readAllLines(repo().resolve("bin/jvm-options")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void waitFor(Path log, String line, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + line + "' in " + log + " after " + timeout + ":\n"
        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** Stops the Workers (and their executors) and the Master, and waits until they are gone. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          kill(p);
        }
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * The executor JVMs ({@code CoarseGrainedExecutorBackend}) Worker {@code i} is running now:
   * the Worker launches them as its own child processes.
   */
  public List<ProcessHandle> executors(int i) {
    Process worker = processes.get(1 + i); // processes: the Master, then the Workers in order
    return worker.descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
  }

  /** Kills (SIGKILL) the executor JVM of Worker {@code i}, as a crashed host or OOM-killer would; returns its pid. */
  public long killExecutor(int i) {
    List<ProcessHandle> ex = executors(i);
    if (ex.size() != 1) {
      throw new IllegalStateException("worker " + i + " runs " + ex.size() + " executors: " + ex);
    }
    ex.get(0).destroyForcibly();
    return ex.get(0).pid();
  }

  /** Every process this cluster started that is still alive (for tests of {@link #close}). */
  public List<ProcessHandle> alive() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : processes) {
      if (p.isAlive()) {
        out.add(p.toHandle());
      }
      p.descendants().filter(ProcessHandle::isAlive).forEach(out::add);
    }
    return out;
  }
}
