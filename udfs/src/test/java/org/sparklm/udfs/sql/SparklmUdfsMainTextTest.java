package org.sparklm.udfs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SparklmUdfsMainTextTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("udfs-main-text-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    SparklmUdfs.registerAll(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void mainTextInSql() {
    Row r = spark.sql("SELECT sparklm_main_text('<nav>menu</nav><main><h1>Title</h1><p>Body &amp; text.</p></main>') AS t, "
        + "sparklm_main_text(NULL) AS n").first();
    assertEquals("Title\n\nBody & text.", r.getString(0));
    assertTrue(r.isNullAt(1));
  }
}
