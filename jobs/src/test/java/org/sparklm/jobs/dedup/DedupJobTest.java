package org.sparklm.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.config.DedupConfig;
import org.sparklm.jobs.dedup.bench.PlantedCorpus;

/**
 * The dedup job on real text with planted duplicates: 32 Brown Corpus documents cut in halves
 * (64 distinct documents, pairs of halves on the same topic), a near copy of every half with 1% of
 * its words replaced, exact copies of 16 halves (some fetched earlier than the original, some
 * with no fetch time), plus rows that cannot take part.
 */
class DedupJobTest {
  static SparkSession spark;
  @TempDir
  static Path tmp;
  static String input;
  /** doc id to family (the half it was made from); rows that are not documents have none. */
  static final Map<String, String> FAMILY = new HashMap<>();
  static final List<String[]> NEAR_PAIRS = new ArrayList<>();
  static final List<String[]> EXACT_PAIRS = new ArrayList<>();
  static Map<Integer, Run> runs = new HashMap<>();

  record Run(DedupJob.Result result, List<Row> documents, List<Row> duplicates, List<Row> rejects) {}

  static final StructType SCHEMA = new StructType()
      .add("doc_id", DataTypes.StringType, true)
      .add("url", DataTypes.StringType, true)
      .add("fetched_at", DataTypes.TimestampType, true)
      .add("text", DataTypes.StringType, true)
      .add("genre", DataTypes.StringType, true);

  @BeforeAll
  static void start() throws Exception {
    prepare(tmp);
  }

  /** Starts the session and writes the corpus under {@code dir} (also used by {@link DedupClusterIT}). */
  static void prepare(Path dir) throws Exception {
    tmp = dir;
    spark = SparkSession.builder().master("local[2]").appName("dedup-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    List<Row> rows = new ArrayList<>();
    List<String> halves = new ArrayList<>();
    List<String> halfIds = new ArrayList<>();
    List<String> genres = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        DedupJobTest.class.getResourceAsStream("/dedup/brown-sample.jsonl.gz")), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode doc = json.readTree(line);
        String[] paras = doc.get("text").asText().split("\n\n");
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < paras.length; i++) {
          (i < paras.length / 2 ? a : b).append(paras[i]).append("\n\n");
        }
        for (String[] h : new String[][] {{"1", a.toString()}, {"2", b.toString()}}) {
          halves.add(h[1]);
          halfIds.add(doc.get("id").asText() + "-" + h[0]);
          genres.add(doc.get("genre").asText());
        }
      }
    }
    List<String> vocab = PlantedCorpus.vocabulary(halves);
    Random rnd = new Random(42);
    long t0 = Timestamp.valueOf("2026-01-01 00:00:00").getTime();
    for (int i = 0; i < halves.size(); i++) {
      String id = halfIds.get(i);
      String orig = "o-" + id;
      rows.add(doc(orig, new Timestamp(t0 + i * 60_000L), halves.get(i), genres.get(i)));
      FAMILY.put(orig, id);
      String near = "n-" + id;
      rows.add(doc(near, new Timestamp(t0 + 86_400_000L + i), PlantedCorpus.nearCopy(halves.get(i), 0.01, rnd, vocab), genres.get(i)));
      FAMILY.put(near, id);
      NEAR_PAIRS.add(new String[] {orig, near});
      if (i < 16) {
        String exact = "x-" + id;
        // Every fourth exact copy was fetched before its original (so it is the one kept); others have no fetch time.
        Timestamp at = i % 4 == 0 ? new Timestamp(t0 - 1000) : null;
        rows.add(doc(exact, at, PlantedCorpus.exactCopy(halves.get(i)), genres.get(i)));
        FAMILY.put(exact, id);
        EXACT_PAIRS.add(new String[] {orig, exact});
      }
    }
    rows.add(doc("no-text", null, null, "a"));
    rows.add(doc(null, null, "a row without an id", "a"));
    rows.add(doc("o-" + halfIds.get(5), new Timestamp(t0 + 10 * 86_400_000L), "a second row with an existing doc id", "a"));
    // ingest's layout: a folder holding documents/
    input = tmp.resolve("ingest").toString();
    spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Overwrite).parquet(input + "/documents");
  }

  static Row doc(String id, Timestamp at, String text, String genre) {
    return RowFactory.create(id, id == null ? null : "http://example.org/" + id, at, text, genre);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The job with its input and all shuffles spread over {@code partitions} partitions. */
  static synchronized Run run(int partitions) {
    return runs.computeIfAbsent(partitions, p -> {
      String in = tmp.resolve("in-" + p).toString();
      spark.read().parquet(input + "/documents").repartition(p).write().parquet(in);
      String out = tmp.resolve("out-" + p).toString();
      spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(p));
      spark.conf().set("spark.sql.adaptive.enabled", "false"); // keep the partition count as asked
      try {
        // the table folder itself this time, not its parent
        DedupJob.Result r = DedupJob.run(spark, DedupConfig.DEFAULTS.withInput(List.of(in)).withOutput(out));
        return new Run(r, read(out + "/documents"), read(out + "/duplicates"), read(out + "/rejects"));
      } finally {
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        spark.conf().unset("spark.sql.adaptive.enabled");
      }
    });
  }

  /** A table's rows in doc id order (Spark reads a folder's files largest first, not in name order). */
  static List<Row> read(String table) {
    return spark.read().parquet(table).orderBy("doc_id", "url").collectAsList();
  }

  /** doc id to the cluster it ended in (its own id when kept, its kept doc's when removed). */
  static Map<String, String> clusterOf(Run run) {
    Map<String, String> c = new HashMap<>();
    for (Row d : run.documents()) {
      c.put(d.getAs("doc_id"), d.getAs("cluster_id"));
    }
    for (Row d : run.duplicates()) {
      c.put(d.getAs("doc_id"), d.getAs("kept_doc_id"));
    }
    return c;
  }

  @Test
  void plantedNearDuplicatesAreFoundAndSameTopicDocumentsAreNotMerged() {
    Run run = run(4);
    Map<String, String> cluster = clusterOf(run);
    int found = 0;
    for (String[] p : NEAR_PAIRS) {
      if (cluster.get(p[0]).equals(cluster.get(p[1]))) {
        found++;
      }
    }
    double recall = (double) found / NEAR_PAIRS.size();
    assertTrue(recall >= 0.95, "recall of 1%-edited copies " + recall);

    int right = 0;
    for (Row d : run.duplicates()) {
      if (FAMILY.get(d.<String>getAs("doc_id")).equals(FAMILY.get(d.<String>getAs("kept_doc_id")))) {
        right++;
      }
    }
    double precision = (double) right / run.duplicates().size();
    assertTrue(precision >= 0.99, "precision " + precision);
    // The two halves of one Brown document (same topic, same author) stay apart.
    assertEquals(64, run.documents().size(), "one kept document per half");
    for (Row d : run.duplicates()) {
      if (d.<String>getAs("kind").equals("near")) {
        double j = d.getAs("jaccard");
        assertTrue(j > 0.6 && j < 1.0, "estimated Jaccard of a 1% edit: " + j);
      }
    }
  }

  @Test
  void exactCopiesAlwaysCollapseAndTheEarliestFetchIsKept() {
    Run run = run(4);
    Map<String, String> cluster = clusterOf(run);
    Map<String, Row> dupById = new HashMap<>();
    for (Row d : run.duplicates()) {
      dupById.put(d.getAs("doc_id"), d);
    }
    for (int i = 0; i < EXACT_PAIRS.size(); i++) {
      String orig = EXACT_PAIRS.get(i)[0];
      String copy = EXACT_PAIRS.get(i)[1];
      assertEquals(cluster.get(orig), cluster.get(copy), copy);
      boolean copyFirst = i % 4 == 0;
      String removed = copyFirst ? orig : copy;
      String kept = copyFirst ? copy : orig;
      assertEquals(kept, cluster.get(kept), "kept by the earliest fetch: " + kept);
      assertEquals("exact", dupById.get(removed).getAs("kind"));
      assertEquals(1.0, (double) dupById.get(removed).getAs("jaccard"));
    }
    for (Row d : run.documents()) {
      String family = FAMILY.get(d.<String>getAs("doc_id"));
      long expected = EXACT_PAIRS.stream().anyMatch(p -> FAMILY.get(p[0]).equals(family)) ? 3 : 2;
      assertEquals(expected, (long) d.getAs("cluster_size"), (String) d.getAs("doc_id"));
    }
    long exact = run.duplicates().stream().filter(d -> d.getAs("kind").equals("exact")).count();
    assertEquals(16, exact);
    assertEquals(16, run.result().exactDuplicates());
    assertEquals(64, run.result().nearDuplicates());
  }

  @Test
  void badRowsAreSetAsideWithAReason() {
    Run run = run(4);
    Map<String, String> reasons = new HashMap<>();
    for (Row r : run.rejects()) {
      reasons.put(String.valueOf(r.<String>getAs("doc_id")) + "/" + r.getAs("url"), r.getAs("reason"));
    }
    assertEquals(3, run.rejects().size(), reasons.toString());
    assertEquals("missing_text", reasons.get("no-text/http://example.org/no-text"));
    assertEquals("missing_doc_id", reasons.get("null/null"));
    assertTrue(reasons.containsValue("duplicate_doc_id"), reasons.toString());
    assertEquals(run.result().inputDocuments(), 64 * 2 + 16 + 3);
    // the output keeps every input column and adds the cluster
    List<String> cols = List.of(run.documents().get(0).schema().fieldNames());
    assertEquals(List.of("doc_id", "url", "fetched_at", "text", "genre", "cluster_id", "cluster_size"), cols);
  }

  @Test
  void theSameKeptSetAndClusterIdsWithOneFourAndSixteenPartitions() {
    Run four = run(4);
    for (int p : new int[] {1, 16}) {
      Run other = run(p);
      assertEquals(four.documents(), other.documents(), p + " partitions: documents");
      assertEquals(four.duplicates(), other.duplicates(), p + " partitions: duplicates");
      assertEquals(four.rejects(), other.rejects(), p + " partitions: rejects");
    }
    assertFalse(four.documents().isEmpty());
  }

  @Test
  void withNearOffOnlyExactCopiesCollapse() {
    String out = tmp.resolve("out-exact-only").toString();
    DedupConfig d = DedupConfig.DEFAULTS;
    DedupJob.Result r = DedupJob.run(spark, new DedupConfig(List.of(input), out, false, d.shingleSize(), d.bands(), d.rows(),
        d.seed(), false, d.jaccardThreshold(), d.maxIterations()));
    assertEquals(16, r.exactDuplicates());
    assertEquals(0, r.nearDuplicates());
    List<Row> dups = read(out + "/duplicates");
    assertEquals(16, dups.size());
    for (Row x : dups) {
      assertEquals("exact", x.getAs("kind"));
      assertEquals(1.0, (double) x.getAs("jaccard"));
    }
    List<Row> docs = read(out + "/documents");
    assertEquals(64 * 2 + 16 - 16, docs.size());
    assertEquals(docs.size(), r.keptDocuments());
    assertEquals(16, docs.stream().filter(x -> (long) x.getAs("cluster_size") == 2).count());
  }

  @Test
  void verifyingCandidatesWithExactJaccardKeepsTheTruePairs() {
    String out = tmp.resolve("out-verified").toString();
    DedupJob.Result r = DedupJob.run(spark, DedupConfig.DEFAULTS.withInput(List.of(input)).withOutput(out).withVerifyJaccard(true));
    Run four = run(4);
    assertEquals(four.duplicates(), read(out + "/duplicates"));
    assertEquals(64, r.nearDuplicates());
  }
}
