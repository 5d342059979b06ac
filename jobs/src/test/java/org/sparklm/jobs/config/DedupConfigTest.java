package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;

class DedupConfigTest {
  @Test
  void defaultsArePinned() {
    DedupConfig d = DedupConfig.DEFAULTS;
    assertEquals(List.of(), d.input());
    assertEquals("work/dedup", d.output());
    assertTrue(d.near());
    assertEquals(5, d.shingleSize());
    assertEquals(14, d.bands());
    assertEquals(8, d.rows());
    assertEquals(1L, d.seed());
    assertFalse(d.verifyJaccard());
    assertEquals(0.7, d.jaccardThreshold());
    assertEquals(64, d.maxIterations());
    assertEquals(112, d.minHash().numHashes());
    assertEquals(d, SparklmConfig.DEFAULTS.dedup());
  }

  @Test
  void settingsComeFromSetOverrides() {
    SparklmConfig c = SparklmConfig.load(null, List.of("dedup.bands=20", "dedup.rows=5", "dedup.verify_jaccard=true"));
    assertEquals(20, c.dedup().bands());
    assertEquals(100, c.dedup().minHash().numHashes());
    assertTrue(c.dedup().verifyJaccard());
  }

  @Test
  void outOfRangeSettingsNameTheirKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> SparklmConfig.load(null, List.of("dedup.bands=100", "dedup.rows=100")));
    assertTrue(e.getMessage().contains("bands"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("dedup.shingle_size=0")));
    assertTrue(e.getMessage().contains("shingle_size"), e.getMessage());
  }
}
