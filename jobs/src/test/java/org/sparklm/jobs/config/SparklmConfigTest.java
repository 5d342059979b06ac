package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;
import org.sparklm.udfs.ingest.TestWarcs;

class SparklmConfigTest {
  @Test
  void sparkDefaults() {
    SparkSettings s = SparklmConfig.DEFAULTS.spark();
    assertEquals("local[*]", s.master());
    assertEquals("sparklm", s.appName());
    assertEquals(Map.of(), s.conf());
  }

  @Test
  void storageDefaults() {
    assertEquals("work", StorageSettings.DEFAULTS.warehouse());
    assertEquals(Map.of(), StorageSettings.DEFAULTS.tables());
  }

  @Test
  void ingestDefaults() {
    IngestConfig i = IngestConfig.DEFAULTS;
    assertEquals(List.of(), i.input());
    assertEquals("work/ingest", i.output());
    assertEquals(16L * 1024 * 1024, i.maxRecordBytes());
    assertEquals(0.01, i.maxInvalidByteFraction());
    assertEquals(List.of("text/html", "application/xhtml+xml", "text/plain"), i.contentTypes());
  }

  @Test
  void demoDefaults() {
    assertEquals(List.of("data/demo/dev-crawl-sample.warc.gz"), DemoConfig.DEFAULTS.input());
    assertEquals("work/demo", DemoConfig.DEFAULTS.workDir());
    assertEquals(1, DemoConfig.DEFAULTS.workers());
  }

  @Test
  void loadingNothingGivesTheDefaults() {
    assertEquals(SparklmConfig.DEFAULTS, SparklmConfig.load(null, List.of()));
  }

  @Test
  void everyShippedConfigLoads() throws Exception {
    try (var files = java.nio.file.Files.list(TestWarcs.repoRoot().resolve("configs"))) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertTrue(yamls.size() >= 3, yamls.toString());
      for (Path p : yamls) {
        assertNotNull(SparklmConfig.load(p, List.of()), p.toString());
      }
    }
  }

  @Test
  void theDemoConfigDrivesTheDemo() {
    Path root = TestWarcs.repoRoot();
    SparklmConfig demo = SparklmConfig.load(root.resolve("configs/demo.yaml"), List.of());
    assertEquals("sparklm-demo", demo.spark().appName());
    assertEquals("false", demo.spark().conf().get("spark.ui.enabled"));
  }

  @Test
  void everySettingIsDescribedForHelp() {
    for (RecordComponent section : SparklmConfig.class.getRecordComponents()) {
      assertDescribed(section.getType(), section.getName());
    }
  }

  /** Leaf settings need a description; nested records are sub-sections whose leaves do. */
  private static void assertDescribed(Class<?> type, String prefix) {
    for (RecordComponent rc : type.getRecordComponents()) {
      if (rc.getType().isRecord()) {
        assertDescribed(rc.getType(), prefix + "." + rc.getName());
      } else {
        assertNotNull(rc.getAccessor().getAnnotation(JsonPropertyDescription.class),
            prefix + "." + rc.getName() + " has no @JsonPropertyDescription");
      }
    }
  }

  @Test
  void outOfRangeIngestSettingNamesTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> SparklmConfig.load(null, List.of("ingest.max_invalid_byte_fraction=2")));
    assertEquals("ingest.max_invalid_byte_fraction", e.key());
    assertTrue(e.getMessage().contains("between 0.0 and 1.0"), e.getMessage());
  }
}
