package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;

/** Pins the defaults of the tokenizer settings, train_tokenizer and tokenize, and their keys. */
class TokenizerConfigsTest {
  @Test
  void defaults() {
    assertEquals(new TokenizerSettings("work/tokenizer"), TokenizerSettings.DEFAULTS);
    assertEquals(new TrainTokenizerConfig(List.of(), "work/tokenizer", 32768, List.of("<|endoftext|>"), 1.0, 42L, 2L, 128,
        4_000_000, true), TrainTokenizerConfig.DEFAULTS);
    assertEquals(new TokenizeConfig(List.of(), "work/tokens", 1024, 0.01, 0.01, 42L, 64L << 20, 16), TokenizeConfig.DEFAULTS);
    assertEquals(TokenizerSettings.DEFAULTS.path(), TrainTokenizerConfig.DEFAULTS.output(),
        "tokenize must find what train-tokenizer wrote with no setting");
  }

  @Test
  void keysAreSnakeCase() {
    SparklmConfig c = SparklmConfig.load(null, List.of("tokenizer.path=/t", "train_tokenizer.vocab_size=4096",
        "train_tokenizer.special_tokens=[<|endoftext|>, <|im_start|>]", "tokenize.seq_len=256", "tokenize.val_fraction=0.1"));
    assertEquals("/t", c.tokenizer().path());
    assertEquals(4096, c.trainTokenizer().vocabSize());
    assertEquals(List.of("<|endoftext|>", "<|im_start|>"), c.trainTokenizer().specialTokens());
    assertEquals(256, c.tokenize().seqLen());
    assertEquals(0.1, c.tokenize().valFraction());
  }

  @Test
  void badValuesNameTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("train_tokenizer.vocab_size=100")));
    assertTrue(e.getMessage().contains("vocab_size"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null,
        List.of("tokenize.val_fraction=0.6", "tokenize.heldout_fraction=0.6")));
    assertTrue(e.getMessage().contains("heldout_fraction"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("train_tokenizer.special_tokens=[<|im_start|>]")));
    assertTrue(e.getMessage().contains("special_tokens"), e.getMessage());
  }
}
