package org.sparklm.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real text slices in test resources (see NOTICE.md there) and a tokenizer trained on them. */
public final class TestTexts {
  private TestTexts() {}

  /** Scripts, numbers, White_Space characters and surrogate pairs the crawl slices lack. */
  public static final String MIXED = "Grüße aus Köln — naïve café. Привет, мир! 你好，世界。 こんにちは "
      + "emoji 😀👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢; Arabic ٣٤٥ digits, ² ½ Ⅻ numbers\u00a0nbsp\u2028line\u2029para\u3000ideo "
      + "tabs\t\t\there\r\n\r\n  x'S he's we'll they'RE it'd  \u0085next\u200bzw \ufeffbom e\u0301 à";

  public static List<String> read(String resource) {
    List<String> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        TestTexts.class.getResourceAsStream("/tokenizer/" + resource), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(json.readTree(line).get("text").asText());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  public static List<String> brown() {
    return read("brown-slice.jsonl");
  }

  public static List<String> devCrawl() {
    return read("dev-crawl-slice.jsonl");
  }

  public static Map<String, Long> pretokenCounts(List<String> docs) {
    Map<String, Long> counts = new HashMap<>();
    for (String d : docs) {
      PreTokenizer.split(d, (s, e) -> counts.merge(d.substring(s, e), 1L, Long::sum));
    }
    return counts;
  }

  private static byte[] trained;

  /** tokenizer.json of a 1024-id BPE trained on the first 15 Brown documents and the crawl slice. */
  public static synchronized byte[] trainedJson() {
    if (trained == null) {
      List<String> docs = new ArrayList<>(brown().subList(0, 15));
      docs.addAll(devCrawl());
      trained = BpeTrainer.builder().setVocabSize(1024).build().train(pretokenCounts(docs)).tokenizerJson();
    }
    return trained;
  }
}
