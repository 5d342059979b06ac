package org.sparklm.udfs.sql;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.sparklm.udfs.lang.LanguageId;
import org.sparklm.udfs.pii.PiiRedactor;
import org.sparklm.udfs.quality.C4Rules;
import org.sparklm.udfs.quality.FineWebRules;
import org.sparklm.udfs.quality.GopherQuality;
import org.sparklm.udfs.quality.GopherRepetition;
import org.sparklm.udfs.dedup.MinHash;
import org.sparklm.udfs.dedup.TextKey;
import org.sparklm.udfs.text.HtmlText;
import org.sparklm.udfs.url.UrlBlocklist;

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
    spark.udf().register("sparklm_main_text", (UDF1<String, String>) org.sparklm.udfs.extract.StreamingMainContent::text, DataTypes.StringType);
    org.sparklm.udfs.tokenize.TokenizeUdfs.register(spark, tokenizerPath);
    // corpus quality (issue 3): each rule function returns the failing rule's name, or NULL when the text passes
    spark.udf().register("sparklm_gopher_quality", (UDF1<String, String>) GopherQuality::rule, DataTypes.StringType);
    spark.udf().register("sparklm_gopher_repetition", (UDF1<String, String>) GopherRepetition::rule, DataTypes.StringType);
    spark.udf().register("sparklm_c4", (UDF1<String, String>) C4Rules::rule, DataTypes.StringType);
    spark.udf().register("sparklm_fineweb_quality", (UDF1<String, String>) FineWebRules::rule, DataTypes.StringType);
    spark.udf().register("sparklm_language", (UDF1<String, String>) LanguageId::code, DataTypes.StringType);
    spark.udf().register("sparklm_url_blocked", (UDF1<String, String>) UrlBlocklist::blocked, DataTypes.StringType);
    spark.udf().register("sparklm_redact_pii", (UDF1<String, String>) PiiRedactor::redactText, DataTypes.StringType);
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
