package org.sparklm.jobs.evaluate;

import ai.djl.pytorch.jni.JniUtils;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.score.Encoders;
import org.sparklm.model.score.ModelCache;
import org.sparklm.model.score.Scorer;
import org.sparklm.model.score.ScoringCheckpoint;
import org.sparklm.model.score.TextEncoder;
import org.sparklm.model.score.WindowPolicy;
import org.sparklm.model.train.Devices;

/**
 * Scores one partition of documents with one checkpoint, on an executor. The model comes from the
 * JVM's {@link ModelCache} (loaded once per executor, however many partitions it scores); the
 * documents are scored in chunks, each sorted by length inside {@link Scorer}. A checkpoint that
 * cannot be loaded gives one failure row and no scores; a document that cannot be scored gives a
 * failure row naming it, and the others go on.
 */
final class CheckpointScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Documents scored together: enough rows for full batches, bounded memory. */
  static final int CHUNK = 256;

  static final StructType DOC = new StructType(new StructField[] {
      DataTypes.createStructField("run", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("dataset", DataTypes.StringType, false),
      DataTypes.createStructField("domain", DataTypes.StringType, true),
      DataTypes.createStructField("doc_id", DataTypes.StringType, false),
      DataTypes.createStructField("tokens", DataTypes.LongType, false),
      DataTypes.createStructField("bytes", DataTypes.LongType, false),
      DataTypes.createStructField("words", DataTypes.LongType, false),
      DataTypes.createStructField("sum_logprob", DataTypes.DoubleType, false),
      DataTypes.createStructField("window_policy", DataTypes.StringType, false),
      DataTypes.createStructField("checkpoint", DataTypes.StringType, false)});

  static final StructType TOKEN = new StructType(new StructField[] {
      DataTypes.createStructField("run", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("dataset", DataTypes.StringType, false),
      DataTypes.createStructField("doc_id", DataTypes.StringType, false),
      DataTypes.createStructField("position", DataTypes.IntegerType, false),
      DataTypes.createStructField("token_id", DataTypes.IntegerType, false),
      DataTypes.createStructField("token", DataTypes.StringType, false),
      DataTypes.createStructField("logprob", DataTypes.DoubleType, false)});

  static final StructType FAILURE = new StructType(new StructField[] {
      DataTypes.createStructField("checkpoint", DataTypes.StringType, false),
      DataTypes.createStructField("dataset", DataTypes.StringType, true),
      DataTypes.createStructField("doc_id", DataTypes.StringType, true),
      DataTypes.createStructField("reason", DataTypes.StringType, false),
      DataTypes.createStructField("detail", DataTypes.StringType, true)});

  static final StructType OUT = new StructType(new StructField[] {
      DataTypes.createStructField("doc", DOC, true),
      DataTypes.createStructField("token", TOKEN, true),
      DataTypes.createStructField("failure", FAILURE, true)});

  static final String UNREADABLE = "checkpoint_unreadable";

  private final ScoringCheckpoint.Info info;
  private final String run;
  /** Dataset name -> tokenizer hash of its ids (shards) or null (raw text: the checkpoint's). */
  private final Map<String, String> datasets;
  private final String window;
  private final int stride;
  private final int batchRows;
  private final String device;
  private final int threads;
  private final int maxModels;
  private final boolean tokens;
  private final HadoopConf conf;

  CheckpointScorer(ScoringCheckpoint.Info info, String run, Map<String, String> datasets, String window, int stride,
                   int batchRows, String device, int threads, int maxModels, boolean tokens, HadoopConf conf) {
    this.info = info;
    this.run = run;
    this.datasets = datasets;
    this.window = window;
    this.stride = stride;
    this.batchRows = batchRows;
    this.device = device;
    this.threads = threads;
    this.maxModels = maxModels;
    this.tokens = tokens;
    this.conf = conf;
  }

  Iterator<Row> score(Iterator<Row> docs) {
    List<Row> out = new ArrayList<>();
    List<Row> mine = new ArrayList<>();
    docs.forEachRemaining(r -> {
      if (datasets.containsKey(r.getString(0))) {
        mine.add(r);
      }
    });
    if (mine.isEmpty()) {
      return out.iterator();
    }
    ModelCache.Lease lease;
    try {
      if (threads > 0) {
        ai.djl.engine.Engine.getInstance(); // loads libtorch: its thread setting is a native call
        JniUtils.setNumThreads(threads);
      }
      lease = ModelCache.acquire(info, Devices.select(device), conf.get(), maxModels);
    } catch (Exception | LinkageError e) {
      out.add(failure(null, null, UNREADABLE, e.getMessage() == null ? e.toString() : e.getMessage()));
      return out.iterator();
    }
    try (lease) {
      Scorer scorer = new Scorer(lease.model(), batchRows);
      WindowPolicy policy = WindowPolicy.of(window, stride, scorer.context());
      for (int from = 0; from < mine.size(); from += CHUNK) {
        scoreChunk(mine.subList(from, Math.min(mine.size(), from + CHUNK)), scorer, policy, out);
      }
    }
    return out.iterator();
  }

  private void scoreChunk(List<Row> chunk, Scorer scorer, WindowPolicy policy, List<Row> out) {
    List<int[]> ids = new ArrayList<>();
    List<Row> kept = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    int vocab = scorer.model().config().vocabSize();
    // the checkpoint's tokenizer encodes raw text and counts the bytes of shard ids (the driver
    // checked that shards were made with that same tokenizer)
    TextEncoder enc = null;
    String encError = null;
    try {
      enc = Encoders.forCheckpoint(info, conf.get());
    } catch (IllegalArgumentException e) {
      encError = e.getMessage();
    }
    for (Row r : chunk) {
      String dataset = r.getString(0);
      String docId = r.getString(2);
      if (enc == null) {
        out.add(failure(dataset, docId, "no_tokenizer", encError));
        continue;
      }
      int[] doc;
      boolean shardRow = !r.isNullAt(4);
      if (shardRow) {
        List<Integer> t = r.getList(4);
        doc = new int[t.size()];
        for (int i = 0; i < doc.length; i++) {
          Integer v = t.get(i);
          doc[i] = v == null ? -1 : v;
        }
      } else if (!r.isNullAt(3)) {
        doc = enc.encode(r.getString(3));
      } else {
        out.add(failure(dataset, docId, "no_text", "the document's text is null"));
        continue;
      }
      // a BOS lets a document's first token be scored; a shard row is a slice of the packed stream
      // (documents already separated by <|endoftext|>): its first id is context, the rest scored
      int bos = shardRow ? -1 : enc.bos();
      int[] seq = doc;
      if (bos >= 0) {
        seq = new int[doc.length + 1];
        seq[0] = bos;
        System.arraycopy(doc, 0, seq, 1, doc.length);
      }
      if (seq.length < 2) {
        out.add(failure(dataset, docId, "too_short", doc.length + " token(s): nothing to score after the first"));
        continue;
      }
      String bad = null;
      for (int j = 0; j < seq.length && bad == null; j++) {
        if (seq[j] < 0 || seq[j] >= vocab) {
          bad = "token id " + seq[j] + " at position " + j + " is outside the model's vocabulary [0, " + vocab + ")";
        }
      }
      if (bad != null) {
        out.add(failure(dataset, docId, "token_out_of_vocabulary", bad));
        continue;
      }
      ids.add(seq);
      kept.add(r);
      offsets.add(bos >= 0 ? 1 : 0);
    }
    if (ids.isEmpty()) {
      return;
    }
    float[][] lp = scorer.scoreDocuments(ids, policy);
    for (int d = 0; d < ids.size(); d++) {
      Row r = kept.get(d);
      int[] seq = ids.get(d);
      double sum = 0;
      long bytes = 0;
      for (int j = 0; j < lp[d].length; j++) {
        sum += lp[d][j];
        bytes += enc.byteLength(seq[j + 1]);
      }
      long words = r.isNullAt(3) ? wordsOfPieces(seq, enc) : words(r.getString(3));
      out.add(RowFactory.create(RowFactory.create(run, info.step(), r.getString(0), r.getString(1), r.getString(2),
          (long) lp[d].length, bytes, words, sum, policy.label(), info.path()), null, null));
      if (tokens) {
        for (int j = 0; j < lp[d].length; j++) {
          int id = seq[j + 1];
          // position: the target's index among the document's own tokens (a BOS is not one)
          out.add(RowFactory.create(null, RowFactory.create(run, info.step(), r.getString(0), r.getString(2),
              j + 1 - offsets.get(d), id, enc.piece(id), (double) lp[d][j]), null));
        }
      }
    }
  }

  private Row failure(String dataset, String docId, String reason, String detail) {
    return RowFactory.create(null, null, RowFactory.create(info.path(), dataset, docId, reason, detail));
  }

  /** Words as lm-eval's word perplexity counts them: runs of non-whitespace. */
  static long words(String text) {
    long n = 0;
    boolean in = false;
    for (int i = 0; i < text.length(); i++) {
      boolean ws = Character.isWhitespace(text.charAt(i));
      if (!ws && !in) {
        n++;
      }
      in = !ws;
    }
    return n;
  }

  private static long wordsOfPieces(int[] seq, TextEncoder enc) {
    StringBuilder sb = new StringBuilder();
    for (int id : seq) {
      sb.append(enc.byteLength(id) == 0 ? " " : enc.piece(id)); // a special token separates, it is no word
    }
    return words(sb.toString());
  }
}
