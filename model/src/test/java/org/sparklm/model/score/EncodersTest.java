package org.sparklm.model.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.export.HfExport;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.TestTexts;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.TrainState;

/** A checkpoint carries its BPE tokenizer, and raw text is scored with it, checked against the recorded hash. */
class EncodersTest {
  static final Configuration CONF = new Configuration();

  @TempDir
  java.nio.file.Path tmp;

  private Path save(String dir, long step, String hash, byte[] json) throws Exception {
    BpeTokenizer tok = BpeTokenizer.fromJson(TestTexts.trainedJson());
    GptConfig cfg = new GptConfig(tok.paddedVocabSize(), 32, 32, 2, 1, 4, 0.0, "learned", true, true);
    try (Gpt g = Gpt.create(cfg, Device.cpu(), 5)) {
      TrainState state = new TrainState(step, ShardCursor.START, 1, 0, List.of(), 0, java.util.Map.of(), java.util.Map.of());
      return Checkpoint.save(new Path(tmp.toUri().toString(), dir), g, state, TrainConfig.DEFAULTS, hash, json, 0, CONF);
    }
  }

  @Test
  void aCheckpointCarriesItsTokenizerAndScoresRawTextWithIt() throws Exception {
    byte[] json = TestTexts.trainedJson();
    BpeTokenizer tok = BpeTokenizer.fromJson(json);
    Path ck = save("run", 3, tok.sha256(), json);
    assertArrayEquals(json, Files.readAllBytes(java.nio.file.Path.of(ck.toUri()).resolve(Checkpoint.TOKENIZER)));
    ScoringCheckpoint.Info info = ScoringCheckpoint.info(ck, CONF);
    assertEquals(tok.sha256(), info.tokenizerHash());

    TextEncoder enc = Encoders.forCheckpoint(info, CONF);
    assertEquals(tok.sha256(), enc.hash());
    assertSame(enc, Encoders.forHash(tok.sha256()), "parsed once per JVM");
    assertEquals(tok.eotId(), enc.bos());
    assertEquals(0, enc.byteLength(tok.eotId()), "<|endoftext|> stands for no text");
    // bits per byte counts UTF-8 bytes of the text whatever the tokenizer: the tokens' bytes add up to them
    for (String text : TestTexts.brown().subList(0, 20)) {
      String t = text + " caf\u00e9 \u6f22\u5b57 \ud83d\ude00";
      int[] ids = enc.encode(t);
      assertArrayEquals(tok.encode(t), ids);
      long bytes = 0;
      StringBuilder pieces = new StringBuilder();
      for (int id : ids) {
        bytes += enc.byteLength(id);
        pieces.append(enc.piece(id));
      }
      assertEquals(t.getBytes(StandardCharsets.UTF_8).length, bytes);
      assertTrue(ids.length < bytes, "BPE: fewer tokens than bytes");
    }

    // the HF export takes the checkpoint's tokenizer along
    Path hf = HfExport.export(ck, new Path(tmp.toUri().toString(), "hf"), null, CONF);
    assertArrayEquals(json, Files.readAllBytes(java.nio.file.Path.of(hf.toUri()).resolve("tokenizer.json")));
  }

  @Test
  void aMissingOrForeignTokenizerIsRefusedWithAClearMessage() throws Exception {
    // a tokenizer of its own: encoders are cached by hash per JVM, and the other test loads trainedJson's
    byte[] json = org.sparklm.model.tokenizer.BpeTrainer.builder().setVocabSize(300).build()
        .train(TestTexts.pretokenCounts(TestTexts.brown().subList(0, 5))).tokenizerJson();
    String sha = BpeTokenizer.fromJson(json).sha256();
    // the hash is checked when the checkpoint is written
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> save("bad", 1, "0123abcd", json));
    assertTrue(w.getMessage().contains("is not the tokenizer the checkpoint records (0123abcd)"), w.getMessage());

    // a checkpoint naming a tokenizer it does not carry
    Path none = save("none", 1, "feedbeef", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Encoders.forCheckpoint(ScoringCheckpoint.info(none, CONF), CONF));
    assertTrue(e.getMessage().contains("was trained with tokenizer feedbeef but carries no tokenizer.json"), e.getMessage());

    // a tokenizer.json replaced by another one after the fact
    Path ck = save("swapped", 2, sha, json);
    String other = new String(json, StandardCharsets.UTF_8).replaceFirst("\\{", "{ ");
    java.nio.file.Path folder = java.nio.file.Path.of(ck.toUri());
    Files.writeString(folder.resolve(Checkpoint.TOKENIZER), other);
    Files.deleteIfExists(folder.resolve("." + Checkpoint.TOKENIZER + ".crc")); // the local file system's checksum
    ScoringCheckpoint.Info info = ScoringCheckpoint.info(ck, CONF);
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> Encoders.forCheckpoint(info, CONF));
    assertTrue(m.getMessage().contains("but the checkpoint was trained with tokenizer " + sha), m.getMessage());

    // byte-level checkpoints need no file
    assertNotNull(Encoders.forCheckpoint(new ScoringCheckpoint.Info(ck.toString(), 2, info.modelJson(), null), CONF));
  }
}
