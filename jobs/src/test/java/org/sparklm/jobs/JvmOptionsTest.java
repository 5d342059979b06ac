package org.sparklm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.ingest.TestWarcs;

/** The launchers and the build give every JVM exactly the flags Spark itself asks for on Java 17. */
class JvmOptionsTest {
  @Test
  void binJvmOptionsAreSparksModuleOptions() throws Exception {
    List<String> ours = Files.readAllLines(TestWarcs.repoRoot().resolve("bin/jvm-options")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()), ours);
  }

  @Test
  void theTestJvmGotThemFromThePom() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String opt : JavaModuleOptions.defaultModuleOptionArray()) {
      assertTrue(args.contains(opt), opt + " missing from the surefire argLine (parent pom spark.jvm.options)");
    }
  }
}
