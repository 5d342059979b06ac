package org.sparklm.model.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.testutil.TestText;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * One real training step through {@link DataParallel} on rank 0 of a 2-rank ring whose rank 1
 * (one libtorch per JVM, so not a second trainer) contributes zero gradients and a loss of 3:
 * rank 0 must then hold half its own gradients, report the mean loss and the averaged norm, and
 * rank 1 must have received exactly rank 0's gradients.
 */
class DataParallelTest {
  @Test
  void aStepAveragesTheGradientsAndTheLossAcrossTheRing() throws Exception {
    ServerSocketChannel s0 = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel s1 = RingAllReduce.listen("127.0.0.1");
    List<InetSocketAddress> peers = List.of((InetSocketAddress) s0.getLocalAddress(), (InetSocketAddress) s1.getLocalAddress());
    TrainConfig config = TrainConfig.DEFAULTS.withBatch(2, 2 * 64).withMaxSteps(1).withSchedule(3e-3, 3e-4, 10, 0)
        .withDevice("cpu").withThreads(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Gpt gpt = Gpt.create(GptConfig.TINY, Device.cpu(), 1)) {
      int n = Math.toIntExact(gpt.parameters().values().stream().mapToLong(p -> p.size()).sum());
      Future<float[]> other = pool.submit(() -> {
        try (RingAllReduce r1 = RingAllReduce.builder().setRank(1).setPeers(peers).setServer(s1)
            .optIoTimeout(Duration.ofSeconds(60)).connect()) {
          float[] mine = new float[n + 1];
          mine[n] = 3f;
          r1.allReduceSum(mine);
          return mine;
        }
      });
      try (RingAllReduce r0 = RingAllReduce.builder().setRank(0).setPeers(peers).setServer(s0)
          .optIoTimeout(Duration.ofSeconds(60)).connect()) {
        DataParallel dp = new DataParallel(r0);
        FloatBuffer before = FloatBuffer.allocate(n);
        FloatBuffer after = FloatBuffer.allocate(n);
        Trainer.Gradients[] seen = new Trainer.Gradients[2];
        Trainer.StepSync sync = (trainer, local) -> {
          trainer.readGradients(before);
          seen[0] = local;
          seen[1] = dp.synchronize(trainer, local);
          trainer.readGradients(after);
          return seen[1];
        };
        try (Trainer t = Trainer.builder().setModel(gpt).setConfig(config)
            .setData(ArrayTokenRows.source(TestText.brownBytes(), 64, 256, 7, "brown sample bytes"))
            .optStepSync(sync).build()) {
          t.step();
        }
        float[] sum = other.get(60, TimeUnit.SECONDS);
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
          assertEquals(before.get(i), sum[i], "rank 1 received rank 0's gradient " + i);
          assertEquals(before.get(i) * 0.5f, after.get(i), "rank 0's averaged gradient " + i);
          sumSq += (double) after.get(i) * after.get(i);
        }
        assertEquals((float) seen[0].loss() + 3f, sum[n]);
        assertEquals(((float) seen[0].loss() + 3f) * 0.5f, seen[1].loss(), 0);
        assertEquals(Math.sqrt(sumSq), seen[1].gradNorm(), 1e-9);
        assertEquals(2 * seen[0].tokens(), seen[1].tokens());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
