package org.sparklm.model.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.model.train.TrainConfig;

/** What each rank trains with: its share of the global batch and its own dropout seed. */
class DistributedWorkerTest {
  static final TrainConfig GLOBAL = TrainConfig.DEFAULTS.withBatch(4, 2 * 4 * 64 * 3);

  @Test
  void eachRankComputesItsShareOfTheGlobalBatch() {
    TrainConfig r = DistributedWorker.rankConfig(GLOBAL, 64, 2, 1);
    assertEquals(4, r.microBatch());
    assertEquals(4 * 64 * 3, r.tokensPerStep());
    assertEquals(3, r.accumulation(64));
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> DistributedWorker.perRank(GLOBAL, 64, 5));
    assertEquals("tokens_per_step", e.field());
    assertTrue(e.reason().contains("multiple of workers x micro_batch x seq_len = 5 x 4 x 64 = 1280"), e.reason());
  }

  /** Dropout masks differ between ranks (as between one worker's rows); rank 0 draws the one-worker job's. */
  @Test
  void eachRankDrawsItsOwnDropoutMasks() {
    assertEquals(GLOBAL.seed(), DistributedWorker.rankConfig(GLOBAL, 64, 2, 0).seed());
    assertEquals(GLOBAL.seed() + 1, DistributedWorker.rankConfig(GLOBAL, 64, 2, 1).seed());
    assertEquals(DistributedWorker.perRank(GLOBAL, 64, 2).withSeed(GLOBAL.seed()), DistributedWorker.rankConfig(GLOBAL, 64, 2, 0));
  }
}
