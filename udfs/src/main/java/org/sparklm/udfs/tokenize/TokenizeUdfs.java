package org.sparklm.udfs.tokenize;

import java.io.IOException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.sparklm.model.tokenizer.BpeTokenizer;

/**
 * {@code sparklm_tokenize(text)} → {@code array<int>}, {@code sparklm_detokenize(array<int>)} →
 * string and {@code sparklm_count_tokens(text)} → int, with the tokenizer named by
 * {@code tokenizer.path}. No special token is added or recognised: the ids are the text's.
 *
 * <p>The tokenizer's bytes travel inside the functions (read once on the driver), so executors
 * need no access to the path. A path without a tokenizer does not stop the session: the
 * functions then fail when called, saying why.
 */
public final class TokenizeUdfs {
  private TokenizeUdfs() {}

  public static void register(SparkSession spark, String tokenizerPath) {
    byte[] json;
    String problem = null;
    if (tokenizerPath == null || tokenizerPath.isBlank()) {
      json = null;
      problem = "tokenizer.path is not set: pass --set tokenizer.path=DIR (a folder holding tokenizer.json)";
    } else {
      byte[] j;
      try {
        j = Tokenizers.readJson(tokenizerPath, spark.sparkContext().hadoopConfiguration());
        Tokenizers.fromJson(j); // a broken file fails here, when someone uses the functions
      } catch (IOException | IllegalArgumentException e) {
        j = null;
        problem = "tokenizer.path: " + e.getMessage();
      }
      json = j;
    }
    final byte[] tok = json;
    final String why = problem;
    spark.udf().register("sparklm_tokenize", (UDF1<String, int[]>) text ->
        text == null ? null : tokenizer(tok, why).encode(text), DataTypes.createArrayType(DataTypes.IntegerType, false));
    spark.udf().register("sparklm_count_tokens", (UDF1<String, Integer>) text ->
        text == null ? null : tokenizer(tok, why).count(text), DataTypes.IntegerType);
    spark.udf().register("sparklm_detokenize", (UDF1<scala.collection.Seq<Integer>, String>) ids -> {
      if (ids == null) {
        return null;
      }
      int[] a = new int[ids.size()];
      for (int i = 0; i < a.length; i++) {
        Integer v = ids.apply(i);
        if (v == null) {
          throw new IllegalArgumentException("sparklm_detokenize: id at position " + i + " is null");
        }
        a[i] = v;
      }
      return tokenizer(tok, why).decode(a);
    }, DataTypes.StringType);
  }

  private static BpeTokenizer tokenizer(byte[] json, String problem) {
    if (json == null) {
      throw new IllegalStateException(problem);
    }
    return Tokenizers.fromJson(json);
  }
}
