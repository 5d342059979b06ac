package org.sparklm.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
  /** Recounts every pair from scratch after each merge: the slow definition the trainer must equal. */
  static List<int[]> naive(Map<String, Long> counts, int merges) {
    Map<int[], Long> words = new LinkedHashMap<>();
    counts.forEach((w, c) -> {
      byte[] b = w.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int[] s = new int[b.length];
      for (int i = 0; i < b.length; i++) {
        s[i] = b[i] & 0xFF;
      }
      words.put(s, c);
    });
    List<int[]> out = new java.util.ArrayList<>();
    Map<int[], Long> cur = words;
    for (int r = 0; r < merges; r++) {
      Map<Long, Long> pairs = new HashMap<>();
      cur.forEach((s, c) -> {
        for (int i = 0; i + 1 < s.length; i++) {
          pairs.merge(((long) s[i] << 32) | s[i + 1], c, Long::sum);
        }
      });
      long bestKey = -1;
      long best = 0;
      for (Map.Entry<Long, Long> e : pairs.entrySet()) {
        if (e.getValue() > best || (e.getValue() == best && e.getKey() < bestKey)) {
          best = e.getValue();
          bestKey = e.getKey();
        }
      }
      if (best < 2) {
        break;
      }
      int a = (int) (bestKey >>> 32);
      int b = (int) bestKey;
      out.add(new int[] {a, b});
      Map<int[], Long> next = new LinkedHashMap<>();
      int c = 256 + r;
      cur.forEach((s, n) -> {
        int[] t = new int[s.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
          if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
            t[k++] = c;
            i++;
          } else {
            t[k++] = s[i];
          }
        }
        next.put(java.util.Arrays.copyOf(t, k), n);
      });
      cur = next;
    }
    return out;
  }

  @Test
  void incrementalCountsGiveTheSameMergesAsRecounting() {
    Map<String, Long> counts = TestTexts.pretokenCounts(TestTexts.brown().subList(0, 3));
    List<int[]> fast = BpeTrainer.builder().setVocabSize(256 + 150 + 1).build().train(counts).merges();
    List<int[]> slow = naive(counts, 150);
    assertEquals(slow.size(), fast.size());
    for (int i = 0; i < slow.size(); i++) {
      assertArrayEquals(slow.get(i), fast.get(i), "merge " + i);
    }
  }

  @Test
  void mostFrequentPairFirstAndOverlapsCountedOnce() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("aaaa", 5L);   // (a,a) x3 per word, but merging makes "aa aa"
    counts.put(" the", 4L);
    BpeTrainer.Result r = BpeTrainer.builder().setVocabSize(256 + 3 + 1).build().train(counts);
    assertArrayEquals(new int[] {'a', 'a'}, r.merges().get(0));
    assertEquals(15, r.mergeCounts()[0]);
    assertArrayEquals(new int[] {256, 256}, r.merges().get(1)); // "aa"+"aa": 5
    assertEquals(5, r.mergeCounts()[1]);
    assertEquals(4, r.mergeCounts()[2]);
    BpeTokenizer tok = BpeTokenizer.fromJson(r.tokenizerJson());
    assertArrayEquals(new int[] {257}, tok.encode("aaaa"));
    assertEquals(260, tok.vocabSize());
    assertEquals(320, tok.paddedVocabSize());
  }

  @Test
  void stopsWhenPairsAreRareAndIsDeterministic() {
    Map<String, Long> counts = Map.of("ab", 1L, "cd", 1L);
    BpeTrainer.Result r = BpeTrainer.builder().setVocabSize(1000).build().train(counts);
    assertEquals(0, r.merges().size());
    assertEquals(257, r.vocabSize());
    Map<String, Long> brown = TestTexts.pretokenCounts(TestTexts.brown().subList(0, 2));
    byte[] a = BpeTrainer.builder().setVocabSize(600).build().train(brown).tokenizerJson();
    byte[] b = BpeTrainer.builder().setVocabSize(600).build().train(new java.util.TreeMap<>(brown)).tokenizerJson();
    assertArrayEquals(a, b, "input order changed the result");
  }

  @Test
  void roomForChatTokens() {
    BpeTrainer.Result r = BpeTrainer.builder().setVocabSize(300)
        .optSpecialTokens(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")).build()
        .train(TestTexts.pretokenCounts(TestTexts.brown().subList(0, 1)));
    BpeTokenizer tok = BpeTokenizer.fromJson(r.tokenizerJson());
    assertEquals(300, tok.vocabSize());
    assertEquals(297, tok.eotId());
    assertEquals(299, tok.specialTokens().get("<|im_end|>"));
  }

  @Test
  void badSettingsAreRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpeTrainer.builder().setVocabSize(100).build());
    assertTrue(e.getMessage().contains("at least 256"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BpeTrainer.builder().setVocabSize(1000).optSpecialTokens(List.of("<|im_start|>")).build());
    assertTrue(e.getMessage().contains("<|endoftext|>"), e.getMessage());
  }
}
