package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.TrainConfig;

class TrainJobConfigTest {
  @Test
  void defaultsArePinned() {
    assertEquals(new TrainJobConfig(List.of(), "work/train", "auto", 0.05, 20, 1, "run", GptConfig.SMALL, TrainConfig.DEFAULTS),
        TrainJobConfig.DEFAULTS);
    assertEquals(new TrainConfig(16, 4096, 2000, 1e-3, 1e-4, 100, 0, 0.1, 0.9, 0.95, 1e-8, 1.0, 3.0, 20, 1337, "auto",
        "fp32", 500, 10, 0, 0), TrainConfig.DEFAULTS);
    assertEquals(TrainJobConfig.DEFAULTS, SparklmConfig.DEFAULTS.train());
  }

  @Test
  void badSettingsNameTheirKey() {
    ConfigException heads = assertThrows(ConfigException.class,
        () -> SparklmConfig.load(null, List.of("train.model.heads=5")));
    assertEquals("train.model.heads", heads.key());
    assertTrue(heads.getMessage().contains("use heads=4"), heads.getMessage());
    ConfigException workers = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("train.workers=0")));
    assertEquals("train.workers", workers.key());
    ConfigException device = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("train.loop.device=tpu")));
    assertTrue(device.getMessage().contains("auto, cpu, gpu or gpuN"), device.getMessage());
  }
}
