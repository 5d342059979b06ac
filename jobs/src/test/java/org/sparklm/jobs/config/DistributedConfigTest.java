package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.train.TrainConfig;

class DistributedConfigTest {
  @Test
  void defaults() {
    DistributedConfig d = DistributedConfig.DEFAULTS;
    assertEquals(1, d.workers());
    assertEquals(List.of(), d.input());
    assertEquals("work/train", d.output());
    assertEquals("small", d.model());
    assertEquals(3, d.maxAttempts());
    assertEquals(60, d.connectTimeoutS());
    assertEquals(300, d.ioTimeoutS());
    assertEquals(1024, d.chunkKib());
    assertEquals(100, d.checksumEvery());
    assertEquals(DistributedConfig.DEFAULTS, SparklmConfig.DEFAULTS.distributed());
    assertEquals(TrainConfig.DEFAULTS, SparklmConfig.DEFAULTS.trainDp());
  }

  @Test
  void settingsLoadByTheirSnakeCaseKeys() {
    SparklmConfig c = SparklmConfig.load(null, List.of("distributed.workers=4", "distributed.io_timeout_s=30",
        "distributed.model=tiny", "train_dp.micro_batch=2"));
    assertEquals(4, c.distributed().workers());
    assertEquals(30, c.distributed().ioTimeoutS());
    assertEquals("tiny", c.distributed().model());
    assertEquals(2, c.trainDp().microBatch());
  }

  @Test
  void outOfRangeSettingsNameTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("distributed.workers=0")));
    assertEquals("distributed.workers", e.key());
    e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("distributed.model=huge")));
    assertEquals("distributed.model", e.key());
    assertTrue(e.getMessage().contains("tiny"), e.getMessage());
  }
}
