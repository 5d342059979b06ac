package org.sparklm.model.train;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The threads that run the CPU replicas' share of a step, handed work without a queue: each
 * worker spins for a short while on a sequence number before it parks, and the caller spins the
 * same way for the workers to finish. Why not an {@code ExecutorService}: a step hands work over
 * three times (the backward passes, the gradient sum, the optimizer), each a few milliseconds
 * apart, and on the build machine's VM a parked thread took a median 47-177 us and at the 90th
 * percentile 1-2 ms to wake (an unpark probe, 200 samples), seen in the step as the gradient
 * sum's phase taking 0.5-1.9 ms for 0.3 ms of work. Spinning a few milliseconds costs nothing on
 * a core that would wait idle for the next phase anyway; after {@link #SPIN_NANOS} a waiting
 * thread parks, so a long pause (a checkpoint, an all-reduce) does not burn a core. A caller
 * interrupted while it waits keeps waiting (the tasks share the step's state); the trainer checks
 * the flag between steps.
 */
final class ReplicaThreads implements AutoCloseable {
  /** How long a waiting thread spins before it parks: longer than a step's gaps between phases. */
  static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Worker[] workers;
  /** The thread in {@link #forEach}, which the workers wake when they finish. */
  private volatile Thread caller;
  private volatile boolean closed;

  /** {@code count} worker threads, each running {@code init} first (e.g. libtorch's per-thread settings). */
  ReplicaThreads(int count, Runnable init, String name) {
    this.workers = new Worker[count];
    for (int i = 0; i < count; i++) {
      workers[i] = new Worker(init, name + "-" + (i + 1));
      workers[i].start();
    }
  }

  /**
   * Runs {@code task.accept(i)} for {@code i} in {@code [0, n)} at once: 0 on the calling thread,
   * {@code i} on worker {@code i-1}; returns when all are done. The first failure is rethrown
   * (an unchecked exception as itself, anything else wrapped), after every task has ended.
   */
  void forEach(int n, IntConsumer task) {
    if (n - 1 > workers.length) {
      throw new IllegalArgumentException(n + " tasks for " + workers.length + " worker threads and the caller");
    }
    if (closed) {
      throw new IllegalStateException("replica threads are closed");
    }
    caller = Thread.currentThread();
    for (int i = 1; i < n; i++) {
      workers[i - 1].post(task, i);
    }
    Throwable first = null;
    try {
      task.accept(0);
    } catch (Throwable t) {
      first = t;
    }
    for (int i = 1; i < n; i++) {
      Throwable t = workers[i - 1].awaitDone();
      if (first == null) {
        first = t;
      }
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error e) {
      throw e;
    }
    if (first != null) {
      throw new IllegalStateException("a replica thread failed: " + first, first);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Worker w : workers) {
      LockSupport.unpark(w);
    }
  }

  private final class Worker extends Thread {
    private final Runnable init;
    private volatile long posted;
    private volatile long finished;
    private IntConsumer task;
    private int index;
    private Throwable failure;

    Worker(Runnable init, String name) {
      super(name);
      this.init = init;
      setDaemon(true);
    }

    void post(IntConsumer t, int i) {
      task = t;
      index = i;
      failure = null;
      posted = posted + 1; // the volatile write publishes task, index and failure
      LockSupport.unpark(this);
    }

    Throwable awaitDone() {
      long want = posted;
      long start = System.nanoTime();
      for (int spins = 0; finished != want; spins++) {
        // the clock only every 64 spins: clock_gettime in every spin was 4% of a run's samples
        if ((spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
      return failure;
    }

    @Override
    public void run() {
      init.run();
      long seen = 0;
      while (!closed) {
        long start = System.nanoTime();
        for (int spins = 0; posted == seen && !closed; spins++) {
          if ((spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            LockSupport.park(this);
          }
        }
        if (closed) {
          return;
        }
        seen = posted;
        try {
          task.accept(index);
        } catch (Throwable t) {
          failure = t;
        }
        finished = seen; // publishes failure
        LockSupport.unpark(caller);
      }
    }
  }
}
