package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;

class EvalConfigTest {
  @Test
  void defaults() {
    EvalConfig e = SparklmConfig.DEFAULTS.eval();
    assertEquals(EvalConfig.DEFAULTS, e);
    assertEquals(List.of(), e.runs());
    assertEquals(List.of(), e.checkpoints());
    assertEquals(Map.of(), e.datasets());
    assertEquals(Map.of(), e.tasks());
    assertEquals("", e.runName());
    assertEquals("disjoint", e.window());
    assertEquals(0, e.stride());
    assertEquals(8, e.batchRows());
    assertEquals("auto", e.device());
    assertEquals(0, e.threads());
    assertEquals(false, e.tokensTable());
    assertEquals(200, e.bootstrapSamples());
    assertEquals(1234, e.seed());
    assertEquals("text", e.textColumn());
    assertEquals("id", e.idColumn());
    assertEquals("domain", e.domainColumn());
    assertEquals(0, e.maxDocs());
    assertEquals(2, e.maxModels());
    assertEquals("sparklm", e.catalog());
    assertEquals("eval", e.namespace());
    assertEquals(Map.of(), e.catalogProperties());
    assertEquals(30, e.commitRetries());
  }

  @Test
  void badSettingsNameTheKey() {
    ConfigException w = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("eval.window=sliding")));
    assertEquals("eval.window", w.key());
    ConfigException c = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("eval.catalog=my-cat")));
    assertTrue(c.getMessage().contains("SQL identifier"), c.getMessage());
    SparklmConfig ok = SparklmConfig.load(null, List.of("eval.datasets={brown: data/eval/brown-slice.jsonl.gz}"));
    assertEquals("data/eval/brown-slice.jsonl.gz", ok.eval().datasets().get("brown"));
  }
}
