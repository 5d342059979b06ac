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
 * however many tasks score with it. Least recently used models are closed beyond
 * {@code maxModels} (tasks of one checkpoint are scheduled together, so two is enough for two
 * task slots).
 */
public final class ModelCache {
  private static final Map<String, Gpt> MODELS = new LinkedHashMap<>(16, 0.75f, true);
  private static long loads;

  private ModelCache() {}

  /** The model of {@code info}, loaded on first use. */
  public static synchronized Gpt get(ScoringCheckpoint.Info info, Device device, Configuration conf, int maxModels)
      throws IOException {
    String key = info.path() + "@" + device;
    Gpt m = MODELS.get(key);
    if (m != null) {
      return m;
    }
    // close before loading: at most maxModels are ever in memory
    Iterator<Map.Entry<String, Gpt>> it = MODELS.entrySet().iterator();
    while (MODELS.size() >= Math.max(1, maxModels) && it.hasNext()) {
      Gpt old = it.next().getValue();
      it.remove();
      synchronized (old) { // a task still scoring with it finishes first
        old.close();
      }
    }
    m = ScoringCheckpoint.loadModel(info, device, conf);
    loads++;
    MODELS.put(key, m);
    return m;
  }

  /** Checkpoints loaded by this JVM so far (tests and benchmarks check the amortization). */
  public static synchronized long loads() {
    return loads;
  }

  /** Closes every cached model. */
  public static synchronized void clear() {
    MODELS.values().forEach(Gpt::close);
    MODELS.clear();
  }
}
