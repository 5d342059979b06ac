package org.sparklm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class ReplicaThreadsTest {
  /** Every task runs once per call, task 0 on the caller and the others on distinct workers, and all have ended on return. */
  @Test
  void runsEveryTaskOnItsOwnThreadAndWaitsForAll() throws Exception {
    AtomicInteger inits = new AtomicInteger();
    try (ReplicaThreads threads = new ReplicaThreads(3, inits::incrementAndGet, "test-replica")) {
      for (int round = 0; round < 200; round++) {
        ConcurrentHashMap<Integer, Thread> ran = new ConcurrentHashMap<>();
        AtomicLongArray done = new AtomicLongArray(4);
        int n = 1 + round % 4;
        long pause = round % 50 == 0 ? ReplicaThreads.SPIN_NANOS / 1_000_000 + 3 : 1;
        threads.forEach(n, i -> {
          ran.put(i, Thread.currentThread());
          if (i == 1) {
            // a worker outlasting the caller, and one outlasting the spin window: forEach must wait for both
            sleep(pause);
          }
          done.incrementAndGet(i);
        });
        assertEquals(n, ran.size(), "round " + round);
        assertSame(Thread.currentThread(), ran.get(0));
        assertEquals(n, ran.values().stream().distinct().count(), "each task on its own thread");
        for (int i = 0; i < n; i++) {
          assertEquals(1, done.get(i), "task " + i + " of round " + round + " ended before forEach returned");
        }
      }
      assertEquals(3, inits.get(), "each worker ran its setup once");
    }
  }

  /** A failing worker's exception reaches the caller after every task has ended; the threads stay usable. */
  @Test
  void rethrowsAWorkersFailure() throws Exception {
    try (ReplicaThreads threads = new ReplicaThreads(1, () -> { }, "test-replica")) {
      AtomicInteger ended = new AtomicInteger();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> threads.forEach(2, i -> {
        if (i == 1) {
          throw new IllegalArgumentException("replica 1 broke");
        }
        sleep(5);
        ended.incrementAndGet();
      }));
      assertEquals("replica 1 broke", e.getMessage());
      assertEquals(1, ended.get());
      AtomicInteger ran = new AtomicInteger();
      threads.forEach(2, i -> ran.incrementAndGet());
      assertEquals(2, ran.get());
      assertThrows(IllegalArgumentException.class, () -> threads.forEach(3, i -> { }), "more tasks than threads");
    }
  }

  /** Closed threads end (they are daemons, but a trainer's close must not leave them spinning). */
  @Test
  void closeEndsTheWorkers() throws Exception {
    ReplicaThreads threads = new ReplicaThreads(2, () -> { }, "test-close");
    threads.forEach(3, i -> { });
    threads.close();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("test-close"))) {
      Thread.sleep(10);
    }
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("test-close")));
    assertThrows(IllegalStateException.class, () -> threads.forEach(1, i -> { }));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
