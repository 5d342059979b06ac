package org.sparklm.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PushToPullTest {

  @Test
  void everyItemInOrderTheReaderNeverAheadByMoreThanABatchNorRunningWithTheTask() {
    AtomicInteger produced = new AtomicInteger();
    AtomicBoolean readerRunning = new AtomicBoolean();
    List<Integer> got = new ArrayList<>();
    try (PushToPull<Integer> it = new PushToPull<>("test", 10, sink -> {
      for (int i = 0; i < 1005; i++) {
        readerRunning.set(true);
        produced.incrementAndGet();
        readerRunning.set(false); // set before the hand-over that may follow in accept
        sink.accept(i);
      }
    })) {
      while (it.hasNext()) {
        assertFalse(readerRunning.get(), "the reader runs while the task works");
        got.add(it.next());
        assertTrue(produced.get() <= got.size() + 10, produced.get() + " produced when the task had taken " + got.size());
      }
    }
    assertEquals(1005, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(i, got.get(i));
    }
  }

  @Test
  void anEmptySourceAndASourceOfExactlyOneBatch() {
    try (PushToPull<String> it = new PushToPull<>("empty", 4, sink -> { })) {
      assertFalse(it.hasNext());
    }
    List<String> got = new ArrayList<>();
    try (PushToPull<String> it = new PushToPull<>("one batch", 3, sink -> List.of("a", "b", "c").forEach(sink))) {
      it.forEachRemaining(got::add);
    }
    assertEquals(List.of("a", "b", "c"), got);
  }

  @Test
  void theReadersFailureReachesTheTaskAfterTheItemsBeforeIt() {
    IllegalStateException boom = new IllegalStateException("corrupt beyond repair");
    List<Integer> got = new ArrayList<>();
    PushToPull<Integer> it = new PushToPull<>("failing", 4, sink -> {
      for (int i = 0; i < 6; i++) {
        sink.accept(i);
      }
      throw boom;
    });
    RuntimeException e = assertThrows(RuntimeException.class, () -> it.forEachRemaining(got::add));
    assertSame(boom, e);
    assertEquals(List.of(0, 1, 2, 3), got); // the first full batch; the failure comes with the partial second
    IOException io = new IOException("disk gone");
    PushToPull<Integer> checked = new PushToPull<>("checked", 4, sink -> {
      throw io;
    });
    assertSame(io, assertThrows(IllegalStateException.class, checked::hasNext).getCause());
  }

  @Test
  void closingStopsAReaderThatWouldNeverEnd() throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CountDownLatch caught = new CountDownLatch(1);
    PushToPull<Long> it = new PushToPull<>("endless", 8, sink -> {
      thread.set(Thread.currentThread());
      try {
        for (long i = 0; ; i++) {
          try {
            sink.accept(i);
          } catch (RuntimeException e) {
            // a reader that swallows its consumer's exceptions must still stop
          }
        }
      } finally {
        caught.countDown();
      }
    });
    for (int i = 0; i < 20; i++) {
      assertEquals(i, it.next());
    }
    it.close();
    assertTrue(caught.await(10, TimeUnit.SECONDS), "the reader did not unwind");
    thread.get().join(10_000);
    assertFalse(thread.get().isAlive());
    assertFalse(it.hasNext());
  }
}
