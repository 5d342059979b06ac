package org.sparklm.udfs.sql;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.sparklm.udfs.dedup.MinHash;
import org.sparklm.udfs.dedup.TextKey;
import org.sparklm.udfs.text.HtmlText;

/**
 * Registers every sparklm SQL function by name on a session: the thin Spark wrappers around the
 * plain Java functions of this module. Each later stage adds its functions here.
 */
public final class SparklmUdfs {
  private SparklmUdfs() {}

  public static void registerAll(SparkSession spark) {
    spark.udf().register("sparklm_html_text", (UDF1<String, String>) HtmlText::visibleText, DataTypes.StringType);
    registerDedup(spark);
  }

  /** {@code sparklm_minhash(text)}: FineWeb's 112-value signature; {@code sparklm_text_hash(text)}: the exact-copy key. */
  static void registerDedup(SparkSession spark) {
    MinHash minHash = MinHash.fineWeb();
    spark.udf().register("sparklm_minhash", (UDF1<String, long[]>) minHash::signature,
        DataTypes.createArrayType(DataTypes.LongType, false));
    spark.udf().register("sparklm_text_hash", (UDF1<String, String>) TextKey::hash, DataTypes.StringType);
  }
}
