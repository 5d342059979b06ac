package org.sparklm.udfs.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.BpeTrainer;
import org.sparklm.model.tokenizer.PreTokenizer;
import org.sparklm.udfs.sql.SparklmUdfs;

class TokenizeUdfsTest {
  static SparkSession spark;
  static BpeTokenizer tok;
  @TempDir
  static Path dir;

  static final String TEXT = "The tokenizer's functions work in SQL, naïvely — even on <|endoftext|>.";

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("TokenizeUdfsTest").config("spark.ui.enabled", "false").getOrCreate();
    Map<String, Long> counts = new HashMap<>();
    String corpus = (TEXT + " The functions of the tokenizer. ").repeat(20);
    PreTokenizer.split(corpus, (s, e) -> counts.merge(corpus.substring(s, e), 1L, Long::sum));
    byte[] json = BpeTrainer.builder().setVocabSize(320).build().train(counts).tokenizerJson();
    Files.createDirectories(dir.resolve("tok"));
    Files.write(dir.resolve("tok/tokenizer.json"), json);
    tok = BpeTokenizer.fromJson(json);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void tokenizeDetokenizeAndCountInSql() {
    SparklmUdfs.registerAll(spark, dir.resolve("tok").toString());
    spark.createDataFrame(List.of(Row(TEXT), Row(""), Row(null)), new org.apache.spark.sql.types.StructType()
        .add("text", org.apache.spark.sql.types.DataTypes.StringType)).createOrReplaceTempView("t");
    List<Row> rows = spark.sql("SELECT text, sparklm_tokenize(text) AS ids, sparklm_count_tokens(text) AS n, "
        + "sparklm_detokenize(sparklm_tokenize(text)) AS back FROM t ORDER BY text NULLS LAST").collectAsList();
    Row empty = rows.get(0);
    assertEquals(0, empty.getList(1).size());
    Row full = rows.get(1);
    List<Integer> expected = new ArrayList<>();
    for (int id : tok.encode(TEXT)) {
      expected.add(id);
    }
    assertEquals(expected, full.getList(1));
    assertEquals(expected.size(), full.getInt(2));
    assertEquals(TEXT, full.getString(3));
    assertTrue(!expected.contains(tok.eotId()), "text made a special token");
    assertTrue(rows.get(2).isNullAt(1) && rows.get(2).isNullAt(2) && rows.get(2).isNullAt(3));
    assertEquals("<|endoftext|>", spark.sql("SELECT sparklm_detokenize(array(" + tok.eotId() + "))").first().getString(0));
  }

  @Test
  void aPathWithoutATokenizerFailsWhenUsedSayingWhy() {
    SparklmUdfs.registerAll(spark, dir.resolve("missing").toString());
    Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT sparklm_count_tokens('x')").collect());
    String msg = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
    assertTrue(msg.contains("no tokenizer at"), msg);
    SparklmUdfs.registerAll(spark); // the session still works for everything else
    assertEquals(1L, spark.sql("SELECT count(*) FROM range(1)").first().getLong(0));
  }

  private static Row Row(String s) {
    return org.apache.spark.sql.RowFactory.create(s);
  }
}
