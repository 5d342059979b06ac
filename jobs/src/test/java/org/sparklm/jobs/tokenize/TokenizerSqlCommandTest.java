package org.sparklm.jobs.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.Main;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.BpeTrainer;
import org.sparklm.model.tokenizer.PreTokenizer;

/** {@code bin/sparklm sql --set tokenizer.path=... "..."}: the command line a user types. */
class TokenizerSqlCommandTest {
  @Test
  void sqlCommandUsesTheTokenizerPathSetting(@TempDir Path dir) throws Exception {
    String corpus = "hello world, hello tokenizer; héllo again. ".repeat(30);
    Map<String, Long> counts = new HashMap<>();
    PreTokenizer.split(corpus, (s, e) -> counts.merge(corpus.substring(s, e), 1L, Long::sum));
    byte[] json = BpeTrainer.builder().setVocabSize(300).build().train(counts).tokenizerJson();
    Files.createDirectories(dir.resolve("tok"));
    Files.write(dir.resolve("tok/tokenizer.json"), json);
    int expected = BpeTokenizer.fromJson(json).count("hello world");

    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.run("sql", "--master", "local[1]", "--set", "tokenizer.path=" + dir.resolve("tok"),
          "--set", "spark.conf={spark.ui.enabled: 'false'}", "--warehouse", dir.toString(), "--format", "csv",
          "SELECT sparklm_count_tokens('hello world') AS n, sparklm_detokenize(sparklm_tokenize('héllo <|endoftext|>')) AS back");
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, out);
    assertTrue(out.contains(expected + ",héllo <|endoftext|>"), out);
  }
}
