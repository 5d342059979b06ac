package org.sparklm.udfs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.dedup.MinHash;
import org.sparklm.udfs.dedup.TextKey;

/** The SQL functions as Spark runs them, each against its plain Java function. */
class SparklmUdfsTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("udfs-sql-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    SparklmUdfs.registerAll(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void minhashInSqlIsTheJavaSignature() {
    String text = "The Fulton County Grand Jury said Friday an investigation of recent primary election";
    Row r = spark.sql("SELECT sparklm_minhash(t) AS sig, sparklm_text_hash(t) AS h, sparklm_minhash(NULL) AS n "
        + "FROM VALUES ('" + text + "') AS v(t)").first();
    List<Long> sig = r.getList(0);
    long[] expected = MinHash.fineWeb().signature(text);
    assertEquals(expected.length, sig.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], sig.get(i));
    }
    assertEquals(TextKey.hash(text), r.getString(1));
    assertEquals(true, r.isNullAt(2));
  }

  @Test
  void mainTextInSql() {
    Row r = spark.sql("SELECT sparklm_main_text('<nav>menu</nav><main><h1>Title</h1><p>Body &amp; text.</p></main>') AS t, "
        + "sparklm_main_text(NULL) AS n").first();
    assertEquals("Title\n\nBody & text.", r.getString(0));
    assertTrue(r.isNullAt(1));
  }
}
