package org.sparklm.model.score;

import ai.djl.Device;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.sparklm.model.gpt.Gpt;

/**
 * The models loaded in this JVM, by checkpoint path: a Spark executor loads each checkpoint once,
 * however many tasks score with it. Tasks hold a {@link Lease} while they score; beyond
 * {@code maxModels} the least recently used model leaves the cache and is closed as soon as no
 * task holds it any more (never under a task that is still scoring).
 */
public final class ModelCache {
  private static final Map<String, Entry> MODELS = new LinkedHashMap<>(16, 0.75f, true);
  private static long loads;

  private ModelCache() {}

  private static final class Entry {
    final Gpt model;
    int users;
    boolean evicted;

    Entry(Gpt model) {
      this.model = model;
    }
  }

  /** A model in use by one task; closing the lease lets the cache close an evicted model. */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public Gpt model() {
      return entry.model;
    }

    @Override
    public void close() {
      synchronized (ModelCache.class) {
        if (released) {
          return;
        }
        released = true;
        entry.users--;
        if (entry.evicted && entry.users == 0) {
          entry.model.close();
        }
      }
    }
  }

  /** The model of {@code info}, loaded on first use, held until the lease is closed. */
  public static synchronized Lease acquire(ScoringCheckpoint.Info info, Device device, Configuration conf, int maxModels)
      throws IOException {
    String key = info.path() + "@" + device;
    Entry e = MODELS.get(key);
    if (e == null) {
      // evict before loading: at most maxModels stay cached (models still leased close on release)
      Iterator<Map.Entry<String, Entry>> it = MODELS.entrySet().iterator();
      while (MODELS.size() >= Math.max(1, maxModels) && it.hasNext()) {
        Entry old = it.next().getValue();
        it.remove();
        old.evicted = true;
        if (old.users == 0) {
          old.model.close();
        }
      }
      e = new Entry(ScoringCheckpoint.loadModel(info, device, conf));
      loads++;
      MODELS.put(key, e);
    }
    e.users++;
    return new Lease(e);
  }

  /** Checkpoints loaded by this JVM so far (tests and benchmarks check the amortization). */
  public static synchronized long loads() {
    return loads;
  }

  /** Closes every cached model that no task holds; the others close when released. */
  public static synchronized void clear() {
    for (Entry e : MODELS.values()) {
      e.evicted = true;
      if (e.users == 0) {
        e.model.close();
      }
    }
    MODELS.clear();
  }
}
