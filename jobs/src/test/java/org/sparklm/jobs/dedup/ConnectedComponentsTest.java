package org.sparklm.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

class ConnectedComponentsTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("cc-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String node(int i) {
    return String.format("n%05d", i);
  }

  /** The expected labelling by a plain union-find on the driver (the test's oracle only). */
  private static Map<String, String> oracle(List<String[]> edges) {
    Map<String, String> parent = new HashMap<>();
    for (String[] e : edges) {
      union(parent, e[0], e[1]);
    }
    Map<String, String> smallest = new HashMap<>();
    for (String n : parent.keySet()) {
      smallest.merge(find(parent, n), n, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    Map<String, String> out = new TreeMap<>();
    for (String n : parent.keySet()) {
      out.put(n, smallest.get(find(parent, n)));
    }
    return out;
  }

  private static String find(Map<String, String> p, String x) {
    p.putIfAbsent(x, x);
    while (!p.get(x).equals(x)) {
      x = p.get(x);
    }
    return x;
  }

  private static void union(Map<String, String> p, String a, String b) {
    String ra = find(p, a);
    String rb = find(p, b);
    if (!ra.equals(rb)) {
      p.put(ra, rb);
    }
  }

  private Map<String, String> run(List<String[]> edges, int partitions) {
    List<Tuple2<String, String>> t = new ArrayList<>();
    for (String[] e : edges) {
      t.add(new Tuple2<>(e[0], e[1]));
    }
    Dataset<Row> df = spark.createDataset(t, Encoders.tuple(Encoders.STRING(), Encoders.STRING()))
        .toDF("src", "dst").repartition(partitions);
    ConnectedComponents.Result r = ConnectedComponents.run(spark, df, tmp.resolve("cc-" + partitions).toString(), 64);
    Map<String, String> out = new TreeMap<>();
    for (Row row : r.labels().collectAsList()) {
      String before = out.put(row.getString(0), row.getString(1));
      assertEquals(null, before, "node " + row.getString(0) + " labelled twice");
    }
    return out;
  }

  @Test
  void longPathsStarsAndRandomEdgesMatchUnionFind() {
    List<String[]> edges = new ArrayList<>();
    // A path of 200 nodes with its ids shuffled: the worst case for label propagation.
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(i);
    }
    java.util.Collections.shuffle(ids, new Random(7));
    for (int i = 0; i + 1 < ids.size(); i++) {
      edges.add(new String[] {node(ids.get(i)), node(ids.get(i + 1))});
    }
    // A star, a triangle, self-loops and repeated edges.
    for (int i = 301; i < 340; i++) {
      edges.add(new String[] {node(i), node(300)});
    }
    edges.add(new String[] {node(400), node(401)});
    edges.add(new String[] {node(401), node(402)});
    edges.add(new String[] {node(402), node(400)});
    edges.add(new String[] {node(400), node(401)});
    edges.add(new String[] {node(500), node(500)});
    // Sparse random edges over another 300 nodes: many small components.
    Random r = new Random(11);
    for (int i = 0; i < 250; i++) {
      edges.add(new String[] {node(1000 + r.nextInt(300)), node(1000 + r.nextInt(300))});
    }
    Map<String, String> expected = oracle(edges);
    expected.remove(node(500)); // only a self-loop: not an edge, not a node of the result
    Map<String, String> one = run(edges, 1);
    assertEquals(expected, one);
    assertEquals(one, run(edges, 7));
    assertEquals(node(0), one.get(node(199)));
  }

  @Test
  void starsNeedNoRoundAndAnythingElseDoes() {
    // Stars given either way round, with repeats: already a labelling.
    List<String[]> stars = new ArrayList<>();
    for (int i = 1; i < 6; i++) {
      stars.add(new String[] {node(10 + i), node(10)});
      stars.add(new String[] {node(20), node(20 + i)});
    }
    stars.add(new String[] {node(11), node(10)});
    List<Tuple2<String, String>> t = new ArrayList<>();
    stars.forEach(e -> t.add(new Tuple2<>(e[0], e[1])));
    ConnectedComponents.Result r = ConnectedComponents.run(spark,
        spark.createDataset(t, Encoders.tuple(Encoders.STRING(), Encoders.STRING())).toDF("src", "dst"), tmp.resolve("stars").toString(), 64);
    assertEquals(0, r.rounds());
    assertEquals(oracle(stars), run(stars, 3));
    // One more edge joins a leaf of one star to a leaf of the other: no longer stars.
    t.add(new Tuple2<>(node(15), node(25)));
    r = ConnectedComponents.run(spark,
        spark.createDataset(t, Encoders.tuple(Encoders.STRING(), Encoders.STRING())).toDF("src", "dst"), tmp.resolve("joined").toString(), 64);
    assertTrue(r.rounds() >= 1, "rounds " + r.rounds());
    Map<String, String> labels = new TreeMap<>();
    r.labels().collectAsList().forEach(row -> labels.put(row.getString(0), row.getString(1)));
    assertEquals(12, labels.size());
    assertTrue(labels.values().stream().allMatch(node(10)::equals), labels.toString());
  }

  @Test
  void noEdgesNoLabels() {
    List<String[]> edges = new ArrayList<>();
    edges.add(new String[] {"a", "a"});
    assertTrue(run(edges, 2).isEmpty());
  }
}
