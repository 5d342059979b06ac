package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;

class DistributedConfigTest {
  @Test
  void defaults() {
    DistributedConfig d = DistributedConfig.DEFAULTS;
    assertEquals(3, d.maxAttempts());
    assertEquals(60, d.connectTimeoutS());
    assertEquals(300, d.ioTimeoutS());
    assertEquals(1024, d.chunkKib());
    assertEquals(100, d.checksumEvery());
    assertEquals(DistributedConfig.DEFAULTS, SparklmConfig.DEFAULTS.distributed());
  }

  @Test
  void settingsLoadByTheirSnakeCaseKeys() {
    SparklmConfig c = SparklmConfig.load(null, List.of("train.workers=4", "distributed.io_timeout_s=30",
        "train.loop.micro_batch=2"));
    assertEquals(4, c.train().workers());
    assertEquals(30, c.distributed().ioTimeoutS());
    assertEquals(2, c.train().loop().microBatch());
  }

  /** The model, the loop, the data and the workers are set once, under train.*; distributed.* has none of them. */
  @Test
  void trainingSettingsLiveOnlyUnderTrain() {
    for (String key : List.of("distributed.workers=2", "distributed.input=x", "distributed.model=tiny", "train_dp.lr=1")) {
      assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of(key)), key);
    }
  }

  @Test
  void outOfRangeSettingsNameTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("train.workers=0")));
    assertEquals("train.workers", e.key());
    e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("distributed.max_attempts=0")));
    assertEquals("distributed.max_attempts", e.key());
    assertTrue(e.getMessage().contains("max_attempts"), e.getMessage());
  }
}
