package org.sparklm.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our encoder against Hugging Face's Rust library (through DJL) on real text. */
class BpeTokenizerTest {
  static BpeTokenizer tok;
  static HuggingFaceTokenizer hf;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    byte[] json = TestTexts.trainedJson();
    tok = BpeTokenizer.fromJson(json);
    Path file = Files.write(dir.resolve("tokenizer.json"), json);
    // DJL truncates at 512 and pads unless told not to.
    hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
        .optTruncation(false).optPadding(false).build();
  }

  @AfterAll
  static void close() {
    hf.close();
  }

  static long[] reference(String text) {
    return hf.encode(text, false, false).getIds();
  }

  static void assertSameIds(String text) {
    long[] ref = reference(text);
    int[] ours = tok.encode(text);
    assertArrayEquals(ref, Arrays.stream(ours).asLongStream().toArray(),
        () -> "ids differ on: " + text.substring(0, Math.min(80, text.length())));
  }

  @Test
  void sameIdsAsHuggingFaceOnHeldOutRealText() {
    List<String> docs = new ArrayList<>(TestTexts.brown().subList(15, 20)); // not trained on
    docs.addAll(TestTexts.devCrawl());
    docs.add(TestTexts.MIXED);
    docs.add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    for (String d : docs) {
      assertSameIds(d);
    }
  }

  @Test
  void longPiecesTakeTheHeapPathAndStillMatch() {
    // one pre-token of 20k letters, one of 5k symbols, one of 3k spaces
    String text = "the".repeat(7000) + " " + "=-".repeat(2500) + " ".repeat(3000) + "end";
    assertSameIds(text);
    assertEquals(text, tok.decode(tok.encode(text)));
  }

  @Test
  void decodeOfEncodeIsTheText() {
    List<String> docs = new ArrayList<>(TestTexts.brown());
    docs.addAll(TestTexts.devCrawl());
    docs.add(TestTexts.MIXED);
    for (String d : docs) {
      assertEquals(d, tok.decode(tok.encode(d)));
      assertEquals(tok.encode(d).length, tok.count(d));
    }
  }

  @Test
  void loneSurrogatesBecomeTheReplacementCharacter() {
    // not valid Unicode, but Java strings can hold them; the Rust library sees U+FFFD
    assertEquals("a\uFFFDb \uFFFD\uD83D\uDE00\uFFFD", tok.decode(tok.encode("a\uD800b \uDC00\uD83D\uDE00\uD83D")));
    assertArrayEquals(tok.encode("x\uFFFD"), tok.encode("x\uDBFF"));
  }

  @Test
  void emptyTextHasNoIds() {
    assertEquals(0, tok.encode("").length);
    assertEquals("", tok.decode(new int[0]));
  }

  @Test
  void tenMegabyteDocument() {
    StringBuilder sb = new StringBuilder();
    List<String> brown = TestTexts.brown();
    for (int i = 0; sb.length() < 10_000_000; i++) {
      sb.append(brown.get(i % brown.size())).append("\n\n");
    }
    String big = sb.toString();
    int[] ids = tok.encode(big);
    assertEquals(big, tok.decode(ids));
    assertEquals(ids.length, tok.count(big));
    // (the same text through DJL takes about a minute here: tokenizer-check covers whole corpora)
  }

  @Test
  void specialTokenTextIsNotASpecialToken() {
    String text = "<|endoftext|><|endoftext|> <|endoftext|>\n<|endoftext|>";
    int[] ids = tok.encode(text);
    assertTrue(ids.length > 4);
    assertFalse(Arrays.stream(ids).anyMatch(i -> i == tok.eotId()), "text made a special token");
    assertEquals(text, tok.decode(ids));
    // the Rust library turns the text into the special token (why the check command skips such documents)
    assertEquals(tok.eotId(), reference("<|endoftext|>")[0]);
  }

  @Test
  void sizesAndSpecialTokens() {
    assertEquals(1024, tok.vocabSize());
    assertEquals(1024, tok.paddedVocabSize());
    assertEquals(1023, tok.eotId());
    assertEquals(64, BpeTokenizer.padTo64(1));
    assertEquals(50304, BpeTokenizer.padTo64(50257));
    assertEquals("<|endoftext|>", tok.decode(new int[] {tok.eotId()}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {5, 4096}));
    assertTrue(e.getMessage().contains("4096"), e.getMessage());
  }

  @Test
  void bytesPerTokenOnHeldOutEnglishIsSane() {
    long bytes = 0;
    long tokens = 0;
    for (String d : TestTexts.brown().subList(15, 20)) {
      bytes += d.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      tokens += tok.encode(d).length;
    }
    double bpt = (double) bytes / tokens;
    // GPT-2 (50k ids) gets ~4.2 on English; a 1k vocabulary from 200 KB of text about 2.5-3.5
    assertTrue(bpt > 2.3 && bpt < 3.8, "bytes/token " + bpt);
  }

  @Test
  void rejectsWhatItCannotEncodeExactly() {
    String json = new String(TestTexts.trainedJson(), java.nio.charset.StandardCharsets.UTF_8);
    String prefixed = json.replaceFirst("\"add_prefix_space\" : false", "\"add_prefix_space\" : true");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson(prefixed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("add_prefix_space"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromJson("{".getBytes()));
  }
}
