package org.sparklm.jobs.train.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparklm.jobs.common.JobException;

/**
 * A Spark standalone cluster on 127.0.0.1 (a Master and N single-core Workers, each its own JVM,
 * from the checkout's {@code jobs/target/spark-home}) for the demo's and the benchmark's
 * multi-worker training: {@code train --workers N} needs one executor JVM per worker, which local
 * mode cannot give. Jobs go to it through the checkout's {@code bin/spark-submit}. Closing it
 * stops every process it started, executors included.
 *
 * <pre>
 * java -cp "jobs/target/sparklm.jar:jobs/target/spark-home/jars/*" -Dsparklm.home=$PWD \
 *     org.sparklm.jobs.train.dist.LocalStandalone 2 -- train --workers 2 --model small --input corpus.txt ...
 * </pre>
 */
public final class LocalStandalone implements AutoCloseable {
  private final Path home;
  private final Path dir;
  private final int port;
  private final List<Process> processes = new ArrayList<>();

  private LocalStandalone(Path home, Path dir, int port) {
    this.home = home;
    this.dir = dir;
    this.port = port;
  }

  /** {@code LocalStandalone N [--memory 2g] -- <sparklm command and arguments>} */
  public static void main(String[] args) throws Exception {
    int workers = Integer.parseInt(args[0]);
    int sep = List.of(args).indexOf("--");
    String memory = "2g";
    for (int i = 1; i < sep; i++) {
      if (args[i].equals("--memory")) {
        memory = args[++i];
      }
    }
    List<String> app = List.of(args).subList(sep + 1, args.length);
    Path dir = Files.createTempDirectory("sparklm-standalone");
    int code;
    try (LocalStandalone c = start(checkout(), dir, workers, memory)) {
      code = c.submit(workers, memory, app, System.out);
    }
    System.exit(code);
  }

  /** The sparklm checkout: {@code -Dsparklm.home} (set by bin/sparklm), else the working folder. */
  public static Path checkout() {
    String h = System.getProperty("sparklm.home");
    return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
  }

  public static LocalStandalone start(Path home, Path dir, int workers, String memory) throws Exception {
    Path jars = home.resolve("jobs/target/spark-home/jars");
    if (!Files.isDirectory(jars) || !Files.isRegularFile(home.resolve("jobs/target/sparklm.jar"))) {
      throw new JobException("a local standalone cluster needs the built jars (" + jars + " and jobs/target/sparklm.jar): "
          + "run bin/sparklm once, or mvn -DskipTests package");
    }
    LocalStandalone c = new LocalStandalone(home, Files.createDirectories(dir), freePort());
    try {
      Path masterLog = dir.resolve("master.log");
      c.launch(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(c.port), "--webui-port", String.valueOf(freePort()));
      waitFor(masterLog, "I have been elected leader", Duration.ofSeconds(120));
      for (int i = 0; i < workers; i++) {
        Path wd = Files.createDirectories(dir.resolve("worker-" + i));
        Path log = dir.resolve("worker-" + i + ".log");
        c.launch(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", memory,
            "--work-dir", wd.toString(), "--webui-port", String.valueOf(freePort()), c.masterUrl());
        waitFor(log, "Successfully registered with master", Duration.ofSeconds(120));
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

  /**
   * Submits {@code sparklm <app...>} with one single-core executor per Worker and streams its
   * output (stdout and stderr, Spark's log lines left out) to {@code out}; returns the exit code.
   */
  public int submit(int executors, String memory, List<String> app, PrintStream out) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/spark-submit").toString(), "--master", masterUrl(),
        "--deploy-mode", "client", "--class", "org.sparklm.jobs.Main",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.executor.cores=1", "--conf", "spark.task.cpus=1",
        "--conf", "spark.executor.memory=" + executorMemory(memory), "--conf", "spark.cores.max=" + executors,
        home.resolve("jobs/target/sparklm.jar").toString()));
    cmd.addAll(app);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    env(pb.environment());
    Process p = pb.start();
    processes.add(p);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.matches("^\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d (INFO|WARN) .*") && !line.startsWith("WARNING:")
            && !line.startsWith("Using Spark's default log4j")) {
          out.println(line);
        }
      }
    }
    return p.waitFor();
  }

  /** Executors get three quarters of a Worker's memory (the rest is the JVM's and libtorch's). */
  static String executorMemory(String workerMemory) {
    long mb = parseMb(workerMemory);
    return Math.max(512, mb * 3 / 4) + "m";
  }

  static long parseMb(String s) {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    long v = Long.parseLong(t.replaceAll("[a-z]+$", ""));
    return t.endsWith("g") ? v * 1024 : v;
  }

  private void launch(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    for (String l : Files.readAllLines(home.resolve("bin/jvm-options"))) {
      if (!l.isBlank() && !l.strip().startsWith("#")) {
        cmd.add(l.strip());
      }
    }
    cmd.addAll(List.of("-cp", home.resolve("jobs/target/spark-home/jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    env(pb.environment());
    processes.add(pb.start());
  }

  private void env(Map<String, String> env) {
    env.put("SPARK_HOME", home.resolve("jobs/target/spark-home").toString());
    env.put("SPARK_SCALA_VERSION", "2.13"); // else every executor launch fails: "Cannot find any build directories"
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARKLM_SKIP_BUILD", "1");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void waitFor(Path log, String line, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new JobException("the local standalone cluster did not start: no '" + line + "' in " + log + " after " + timeout);
  }

  /** Stops every process this cluster started, executors (the Workers' children) included. */
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
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
