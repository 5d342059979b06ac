package org.sparklm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;

  @Test
  void helpListsEveryCommand() {
    SparkTests.Cli r = SparkTests.cli("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"ingest", "sql", "demo", "config"}) {
      assertTrue(r.out().contains("\n  " + c + " "), c + " missing from:\n" + r.out());
    }
  }

  @Test
  void commandHelpListsOptionsAndSettingsWithDefaults() {
    SparkTests.Cli r = SparkTests.cli("ingest", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--input=PATH"), r.out());
    assertTrue(r.out().contains("--set=KEY=VALUE"), r.out());
    assertTrue(r.out().contains("ingest.max_record_bytes = 16777216"), r.out());
    assertTrue(r.out().contains("spark.master = local[*]"), r.out());
  }

  @Test
  void badSettingIsExitTwoWithOneLineNamingKeyAndRange() {
    SparkTests.Cli r = SparkTests.cli("config", "--set", "ingest.max_record_bytes=0");
    assertEquals(2, r.code());
    assertEquals("sparklm config: error: --set ingest.max_record_bytes=0: key 'ingest.max_record_bytes' "
        + "must be between 1 and 2147483631, got 0", r.err().strip());
  }

  @Test
  void unknownKeyInAFileNamesTheFile() throws Exception {
    Path f = Files.writeString(dir.resolve("my.yaml"), "ingest:\n  max_recrod_bytes: 5\n");
    SparkTests.Cli r = SparkTests.cli("config", "--config", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("sparklm config: error: " + f + ": key 'ingest.max_recrod_bytes' is not a known setting"), r.err());
  }

  @Test
  void configPrintsTheEffectiveConfigAsYaml() {
    SparkTests.Cli r = SparkTests.cli("config", "--set", "ingest.output=/tmp/x");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("output: /tmp/x"), r.out());
    assertTrue(r.out().contains("max_record_bytes: 16777216"), r.out());
  }

  @Test
  void missingInputIsExitOneNamingTheInput() {
    SparkTests.Cli r = SparkTests.cli("ingest", "--input", dir.resolve("nope/*.warc.gz").toString(), "--output", dir.resolve("o").toString());
    assertEquals(1, r.code());
    assertEquals("sparklm ingest: error: input '" + dir.resolve("nope/*.warc.gz") + "' matches no file", r.firstErrLine());
  }

  @Test
  void unknownCommandIsAUsageError() {
    SparkTests.Cli r = SparkTests.cli("ingets");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("ingets"), r.err());
  }
}
