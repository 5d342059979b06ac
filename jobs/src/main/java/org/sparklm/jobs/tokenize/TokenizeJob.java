package org.sparklm.jobs.tokenize;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklm.jobs.Main;
import org.sparklm.jobs.common.HadoopConf;
import org.sparklm.jobs.common.HadoopPaths;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.common.Outputs;
import org.sparklm.jobs.config.TokenizeConfig;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.data.SplitMix64;
import org.sparklm.model.data.TokenShards;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.IntArray;
import org.sparklm.udfs.tokenize.Tokenizers;
import scala.Tuple2;

/**
 * The {@code tokenize} job: documents in, packed token rows out, as the trainer reads them.
 *
 * <ol>
 *   <li>Each document goes to train, val or heldout by a hash of its {@code doc_id}
 *       ({@link DocSplit}) and to one of {@code pack_groups} groups of its split by the same hash.
 *   <li>Each document is encoded and {@code <|endoftext|>} appended; in each group the documents,
 *       in hash order, are one stream of ids cut into rows of {@code seq_len + 1} (a document may
 *       span rows). The last partial row of every group goes to the driver, where a split's
 *       partial rows are joined in group order and cut again; what is left (less than a row) is
 *       dropped and counted.
 *   <li>Rows are ordered by a seeded hash of (group, row) — the row-level shuffle — and cut into
 *       shards of {@code shard_target_bytes / (4 (seq_len + 1))} rows, one Parquet file each.
 * </ol>
 *
 * Nothing depends on how the input is partitioned or on the cluster, so a rerun with the same
 * documents and settings writes byte-identical shards. Empty documents are counted and skipped.
 */
public final class TokenizeJob {
  private TokenizeJob() {}

  public static final StructType SPLITS = new StructType(new StructField[] {
      DataTypes.createStructField("split", DataTypes.StringType, false),
      DataTypes.createStructField("documents", DataTypes.LongType, false),
      DataTypes.createStructField("empty_documents", DataTypes.LongType, false),
      DataTypes.createStructField("text_bytes", DataTypes.LongType, false),
      DataTypes.createStructField("tokens", DataTypes.LongType, false),
      DataTypes.createStructField("rows", DataTypes.LongType, false),
      DataTypes.createStructField("dropped_tokens", DataTypes.LongType, false),
      DataTypes.createStructField("shards", DataTypes.IntegerType, false),
      DataTypes.createStructField("seq_len", DataTypes.IntegerType, false),
      DataTypes.createStructField("vocab_size", DataTypes.IntegerType, false)});

  /** What a run wrote. */
  public record Result(ShardManifest manifest, String output) {}

  public static void main(String[] args) {
    Main.exit(Main.run(TrainTokenizerJob.prepend("tokenize", args)));
  }

  public static Result run(SparkSession spark, TokenizeConfig cfg, String tokenizerPath) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> tables = new ArrayList<>();
    Dataset<Row> docs = DocumentsInput.read(spark, cfg.input(), "tokenize", tables);
    byte[] json;
    BpeTokenizer tok;
    String tokPath = HadoopPaths.qualify(tokenizerPath, jsc.hadoopConfiguration()).toString();
    try {
      json = Tokenizers.readJson(tokPath, jsc.hadoopConfiguration());
      tok = Tokenizers.fromJson(json);
    } catch (IOException | IllegalArgumentException e) {
      throw new JobException("tokenize: " + e.getMessage(), e);
    }
    Broadcast<byte[]> tokJson = jsc.broadcast(json);
    int groups = cfg.packGroups();
    int width = cfg.seqLen() + 1;
    double val = cfg.valFraction();
    double heldout = cfg.heldoutFraction();

    JavaPairRDD<DocKey, int[]> encoded = docs.javaRDD().mapToPair(row -> {
      String id = row.isNullAt(0) ? "" : row.getString(0);
      String text = row.isNullAt(1) ? "" : row.getString(1);
      long h = DocSplit.hash(id);
      int split = DocSplit.of(h, val, heldout);
      int bucket = (int) Long.remainderUnsigned(SplitMix64.mix(h), groups);
      int[] ids = null;
      if (!text.isEmpty()) {
        BpeTokenizer t = Tokenizers.fromJson(tokJson.value());
        IntArray a = new IntArray(text.length() / 3 + 2);
        t.encode(text, a);
        a.add(t.eotId());
        ids = a.toArray();
      }
      return new Tuple2<>(new DocKey(split * groups + bucket, h, id, TrainTokenizerJob.utf8Length(text)), ids);
    });
    JavaRDD<Packed> packed = encoded.repartitionAndSortWithinPartitions(new IndexPartitioner(3 * groups))
        .mapPartitionsWithIndex((pi, it) -> new Packer(pi, it, width), true)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      // Per split: totals, then the groups' partial rows joined in group order and cut again.
      List<Packed> small = new ArrayList<>(packed.filter(p -> p.kind != Packed.ROW).collect());
      long[][] stats = new long[3][5]; // documents, empty, text bytes, tokens, rows
      IntArray[] tails = {new IntArray(), new IntArray(), new IntArray()};
      small.sort((a, b) -> Integer.compare(a.group, b.group));
      for (Packed p : small) {
        int split = p.group / groups;
        if (p.kind == Packed.STATS) {
          for (int i = 0; i < 5; i++) {
            stats[split][i] += p.stats[i];
          }
        } else {
          tails[split].addAll(p.ids, 0, p.ids.length);
        }
      }
      List<Packed> tailRows = new ArrayList<>();
      long[] dropped = new long[3];
      for (int s = 0; s < 3; s++) {
        int[] t = tails[s].toArray();
        int full = t.length / width;
        for (int r = 0; r < full; r++) {
          tailRows.add(Packed.row(3 * groups + s, r, Arrays.copyOfRange(t, r * width, (r + 1) * width)));
        }
        stats[s][4] += full;
        dropped[s] = t.length - (long) full * width;
      }
      long rowsPerShard = Math.max(1, cfg.shardTargetBytes() / (4L * width));
      long[] splitStart = new long[3];
      int[] shardStart = new int[4];
      for (int s = 0; s < 3; s++) {
        splitStart[s] = s == 0 ? 0 : splitStart[s - 1] + stats[s - 1][4];
        long shards = Math.max(1, (stats[s][4] + rowsPerShard - 1) / rowsPerShard);
        shardStart[s + 1] = shardStart[s] + (int) shards;
      }
      int totalShards = shardStart[3];
      long seed = cfg.seed();
      JavaRDD<Packed> rows = packed.filter(p -> p.kind == Packed.ROW).union(jsc.parallelize(tailRows, 1));
      JavaPairRDD<Tuple2<RowKey, int[]>, Long> ordered = rows
          .mapToPair(p -> new Tuple2<>(new RowKey(p.group < 3 * groups ? p.group / groups : p.group - 3 * groups,
              SplitMix64.mix(SplitMix64.seed(seed, p.group, p.index)), p.group, p.index), p.ids))
          .sortByKey(true, Math.max(1, totalShards))
          .zipWithIndex();
      JavaPairRDD<ShardKey, int[]> byShard = ordered.mapToPair(t -> {
        int split = t._1()._1().split();
        long i = t._2() - splitStart[split];
        return new Tuple2<>(new ShardKey(shardStart[split] + (int) (i / rowsPerShard), i), t._1()._2());
      });

      try (Outputs out = new Outputs(spark, cfg.output())) {
        HadoopConf conf = new HadoopConf(jsc.hadoopConfiguration());
        String[] splitDirs = new String[3];
        for (int s = 0; s < 3; s++) {
          splitDirs[s] = out.stageFile(DocSplit.NAMES[s]).toString();
        }
        int[] shardStarts = shardStart.clone();
        int rowGroupBytes = (int) Math.min(128L << 20, Math.max(1L << 20, cfg.shardTargetBytes()));
        List<ShardInfo> written = byShard.repartitionAndSortWithinPartitions(new IndexPartitioner(totalShards))
            .mapPartitionsWithIndex((gs, it) -> {
              int split = gs < shardStarts[1] ? 0 : gs < shardStarts[2] ? 1 : 2;
              String name = String.format("shard-%05d.parquet", gs - shardStarts[split]);
              Path file = new Path(splitDirs[split], name);
              long[] tokens = new long[1];
              Iterator<int[]> ids = new Iterator<>() {
                @Override
                public boolean hasNext() {
                  return it.hasNext();
                }

                @Override
                public int[] next() {
                  int[] v = it.next()._2();
                  tokens[0] += v.length;
                  return v;
                }
              };
              long n = TokenShards.write(file, conf.get(), ids, rowGroupBytes);
              long bytes = file.getFileSystem(conf.get()).getFileStatus(file).getLen();
              return List.of(new ShardInfo(split, name, n, tokens[0], bytes)).iterator();
            }, true).collect();

        Map<String, ShardManifest.Split> splits = new LinkedHashMap<>();
        List<Row> splitRows = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
          List<ShardManifest.Shard> shards = new ArrayList<>();
          for (ShardInfo w : written) {
            if (w.split == s) {
              shards.add(new ShardManifest.Shard(w.file, w.rows, w.tokens, w.bytes));
            }
          }
          shards.sort((a, b) -> a.file().compareTo(b.file()));
          long[] st = stats[s];
          splits.put(DocSplit.NAMES[s], new ShardManifest.Split(st[0], st[1], st[2], st[3], st[4], dropped[s], shards));
          splitRows.add(RowFactory.create(DocSplit.NAMES[s], st[0], st[1], st[2], st[3], st[4], dropped[s], shards.size(),
              cfg.seqLen(), tok.vocabSize()));
        }
        ShardManifest manifest = new ShardManifest(ShardManifest.FORMAT, cfg.seqLen(), cfg.seed(),
            new ShardManifest.TokenizerInfo(tokPath, tok.sha256(), tok.vocabSize(), tok.paddedVocabSize(), tok.eotId()),
            tables, splits);
        out.write("splits", spark.createDataFrame(splitRows, SPLITS).coalesce(1));
        manifest.write(out.stageFile(ShardManifest.FILE_NAME), jsc.hadoopConfiguration());
        out.commit();
        return new Result(manifest, HadoopPaths.qualify(cfg.output(), jsc.hadoopConfiguration()).toString());
      } catch (IOException e) {
        throw new JobException("tokenize: cannot write " + cfg.output() + ": " + e.getMessage(), e);
      }
    } finally {
      packed.unpersist();
      tokJson.destroy();
    }
  }

  /** A document's place: its group (split * pack_groups + bucket), then hash order. */
  record DocKey(int group, long hash, String docId, long textBytes) implements Serializable, Comparable<DocKey> {
    private static final Comparator<DocKey> ORDER = Comparator.comparingInt(DocKey::group)
        .thenComparingLong(DocKey::hash).thenComparing(DocKey::docId);

    @Override
    public int compareTo(DocKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** A row's place in the shuffled order of its split; (group, index) makes it unique. */
  record RowKey(int split, long key, int group, long index) implements Serializable, Comparable<RowKey> {
    private static final Comparator<RowKey> ORDER = Comparator.comparingInt(RowKey::split)
        .thenComparingLong(RowKey::key).thenComparingInt(RowKey::group).thenComparingLong(RowKey::index);

    @Override
    public int compareTo(RowKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** A row's shard (over all splits) and its index in the split's order. */
  record ShardKey(int shard, long index) implements Serializable, Comparable<ShardKey> {
    private static final Comparator<ShardKey> ORDER = Comparator.comparingInt(ShardKey::shard)
        .thenComparingLong(ShardKey::index);

    @Override
    public int compareTo(ShardKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** Partition i holds key i: a group, or a shard. */
  static final class IndexPartitioner extends Partitioner {
    private final int n;

    IndexPartitioner(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return key instanceof DocKey d ? d.group() : ((ShardKey) key).shard();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IndexPartitioner p && p.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  /** What packing a group yields: full rows, then its partial row and its totals. */
  static final class Packed implements Serializable {
    static final int ROW = 0;
    static final int TAIL = 1;
    static final int STATS = 2;
    final int kind;
    final int group;
    final long index;
    final int[] ids;
    final long[] stats;

    private Packed(int kind, int group, long index, int[] ids, long[] stats) {
      this.kind = kind;
      this.group = group;
      this.index = index;
      this.ids = ids;
      this.stats = stats;
    }

    static Packed row(int group, long index, int[] ids) {
      return new Packed(ROW, group, index, ids, null);
    }
  }

  record ShardInfo(int split, String file, long rows, long tokens, long bytes) implements Serializable {}

  /** Cuts a group's stream of documents into rows, lazily (a group can be larger than memory). */
  static final class Packer implements Iterator<Packed> {
    private final int group;
    private final Iterator<Tuple2<DocKey, int[]>> docs;
    private final int width;
    private final ArrayDeque<Packed> pending = new ArrayDeque<>();
    private final long[] stats = new long[5];
    private int[] buf;
    private int fill;
    private long index;
    private boolean done;

    Packer(int group, Iterator<Tuple2<DocKey, int[]>> docs, int width) {
      this.group = group;
      this.docs = docs;
      this.width = width;
      this.buf = new int[width];
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty() && !done) {
        if (docs.hasNext()) {
          Tuple2<DocKey, int[]> d = docs.next();
          int[] ids = d._2();
          if (ids == null) {
            stats[1]++;
            continue;
          }
          stats[0]++;
          stats[2] += d._1().textBytes();
          stats[3] += ids.length;
          int p = 0;
          while (p < ids.length) {
            int take = Math.min(width - fill, ids.length - p);
            System.arraycopy(ids, p, buf, fill, take);
            fill += take;
            p += take;
            if (fill == width) {
              pending.add(Packed.row(group, index++, buf));
              stats[4]++;
              buf = new int[width];
              fill = 0;
            }
          }
        } else {
          if (fill > 0) {
            pending.add(new Packed(Packed.TAIL, group, 0, Arrays.copyOf(buf, fill), null));
          }
          pending.add(new Packed(Packed.STATS, group, 0, null, stats));
          done = true;
        }
      }
      return !pending.isEmpty();
    }

    @Override
    public Packed next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return pending.poll();
    }
  }
}
