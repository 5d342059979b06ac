package org.sparklm.udfs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.dedup.MinHash;
import org.sparklm.udfs.dedup.TextKey;

class SparklmUdfsDedupTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("udfs-dedup-test")
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
}
