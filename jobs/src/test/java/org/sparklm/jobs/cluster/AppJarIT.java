package org.sparklm.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The application jar carries everything but Spark, and nothing Spark already has. */
class AppJarIT {
  @Test
  void noClassOfTheAppJarIsAlsoInSparksJars() throws IOException {
    Map<String, String> spark = new HashMap<>();
    try (Stream<Path> jars = Files.list(LocalCluster.repo().resolve("jobs/target/spark-home/jars"))) {
      for (Path j : jars.toList()) {
        for (String c : classes(j)) {
          spark.put(c, j.getFileName().toString());
        }
      }
    }
    TreeSet<String> clashes = new TreeSet<>();
    for (String c : classes(LocalCluster.appJar())) {
      if (spark.containsKey(c)) {
        clashes.add(c + " (also in " + spark.get(c) + ")");
      }
    }
    assertEquals(List.of(), clashes.stream().limit(20).toList(), clashes.size() + " classes clash");
  }

  @Test
  void theAppJarHasOurCodeItsLibrariesAndLibtorch() throws IOException {
    List<String> all = classes(LocalCluster.appJar());
    for (String c : List.of("org/sparklm/jobs/Main.class", "org/sparklm/udfs/ingest/WarcIngest.class",
        "org/sparklm/model/config/ConfigLoader.class", "org/netpreserve/jwarc/WarcReader.class",
        "org/jsoup/Jsoup.class", "ai/djl/pytorch/engine/PtEngine.class", "picocli/CommandLine.class")) {
      assertTrue(all.contains(c), c);
    }
    try (JarFile jar = new JarFile(LocalCluster.appJar().toFile())) {
      assertTrue(jar.stream().anyMatch(e -> e.getName().startsWith("pytorch/cpu/linux-x86_64/")), "libtorch CPU inside");
      assertEquals("org.sparklm.jobs.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("org/apache/spark/")), "no Spark classes");
    }
  }

  static List<String> classes(Path jar) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      List<String> out = new java.util.ArrayList<>();
      Enumeration<JarEntry> e = f.entries();
      while (e.hasMoreElements()) {
        String n = e.nextElement().getName();
        if (n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")) {
          out.add(n);
        }
      }
      return out;
    }
  }
}
