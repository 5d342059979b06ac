package org.sparklm.udfs.sql;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.sparklm.udfs.text.HtmlText;

/**
 * Registers every sparklm SQL function by name on a session: the thin Spark wrappers around the
 * plain Java functions of this module. Each later stage adds its functions here.
 */
public final class SparklmUdfs {
  private SparklmUdfs() {}

  public static void registerAll(SparkSession spark) {
    registerAll(spark, null);
  }

  /** Also the tokenizer functions, with the tokenizer at {@code tokenizerPath} (setting tokenizer.path). */
  public static void registerAll(SparkSession spark, String tokenizerPath) {
    spark.udf().register("sparklm_html_text", (UDF1<String, String>) HtmlText::visibleText, DataTypes.StringType);
    org.sparklm.udfs.tokenize.TokenizeUdfs.register(spark, tokenizerPath);
  }
}
