package org.sparklm.jobs.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.SynchronousQueue;
import java.util.function.Consumer;

/**
 * An iterator over what a push-style reader hands to a consumer ({@code CrawlReader.read}), for a
 * Spark task to pull from: the reader runs on a thread of its own, one batch at a time, and only
 * when the task asks for the next batch, so that
 * <ul>
 *   <li>a task holds at most two batches of a file's documents, not the whole file's (a 1 GB
 *       Common Crawl WARC extracts to hundreds of MB of text; collecting it in a list before
 *       handing it to Spark could take an executor's heap);</li>
 *   <li>the reader and the task never run at the same time: the task's one core stays one core
 *       (a reader running ahead on a second thread would use cores Spark did not schedule).</li>
 * </ul>
 * Written here because the JDK has no generator/coroutine and rewriting each format's reader as
 * an iterator would spread its record-level error handling over {@code next()} calls.
 *
 * <p>A failure of the reader reaches the consumer as the same exception (unchecked ones as they
 * are, checked ones wrapped), from {@code hasNext()}. {@link #close()} (the task ended, was
 * killed, or stopped early) stops the reader: its thread is interrupted and unwinds.
 */
final class PushToPull<T> implements Iterator<T>, AutoCloseable {

  /** A reader that pushes every item to {@code sink}. */
  interface Source<T> {
    void run(Consumer<T> sink) throws Exception;
  }

  /** Thrown inside the reader's thread when the iterator is closed; an Error so that readers' catch blocks let it through. */
  private static final class Stopped extends Error {
    Stopped() {
      super(null, null, false, false);
    }
  }

  private static final Object NEXT = new Object();

  private final int batchSize;
  private final SynchronousQueue<Object> requests = new SynchronousQueue<>();
  private final SynchronousQueue<Object> batches = new SynchronousQueue<>();
  private final Thread reader;
  private List<T> filling; // the reader thread's batch
  private List<T> current = List.of();
  private int pos;
  private boolean done;
  private boolean started;

  /** One step of the reader: a batch, the last batch, or the reader's failure. */
  private record Step(List<?> items, boolean last, Throwable failure) {}

  PushToPull(String name, int batchSize, Source<T> source) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize);
    }
    this.batchSize = batchSize;
    this.filling = new ArrayList<>(batchSize);
    reader = new Thread(() -> produce(source), name);
    reader.setDaemon(true);
  }

  private void produce(Source<T> source) {
    try {
      take(requests);
      source.run(item -> {
        filling.add(item);
        if (filling.size() == batchSize) {
          put(new Step(filling, false, null));
          filling = new ArrayList<>(batchSize);
          take(requests); // wait, not running, until the task wants more
        }
      });
      put(new Step(filling, true, null));
    } catch (Stopped stopped) {
      // closed: nobody is waiting for the rest
    } catch (Throwable t) {
      try {
        put(new Step(List.of(), true, t));
      } catch (Stopped stopped) {
        // closed while reporting the failure
      }
    }
  }

  private void put(Step s) {
    try {
      batches.put(s);
    } catch (InterruptedException e) {
      throw new Stopped();
    }
  }

  private static void take(SynchronousQueue<Object> q) {
    try {
      q.take();
    } catch (InterruptedException e) {
      throw new Stopped();
    }
  }

  @Override
  public boolean hasNext() {
    while (pos == current.size()) {
      if (done) {
        return false;
      }
      Step s;
      try {
        if (!started) {
          started = true;
          reader.start();
        }
        requests.put(NEXT);
        s = (Step) batches.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while reading " + reader.getName(), e);
      }
      @SuppressWarnings("unchecked")
      List<T> items = (List<T>) s.items();
      current = items;
      pos = 0;
      done = s.last();
      if (s.failure() != null) {
        if (s.failure() instanceof RuntimeException r) {
          throw r;
        }
        if (s.failure() instanceof Error e) {
          throw e;
        }
        throw new IllegalStateException(reader.getName() + ": " + s.failure(), s.failure());
      }
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = current.get(pos);
    current.set(pos++, null); // the batch does not keep what the task has taken
    return item;
  }

  /** Stops the reader if it is still running; waits for its thread to end. */
  @Override
  public void close() {
    done = true;
    current = List.of();
    pos = 0;
    if (started && reader.isAlive()) {
      reader.interrupt();
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
