package org.sparklm.model.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.config.ConfigLoader;
import org.sparklm.model.config.InvalidValueException;

class GptConfigTest {
  @Test
  void defaultsArePinned() {
    assertEquals(GptConfig.SMALL, GptConfig.DEFAULTS);
    assertEquals(new GptConfig(8192, 256, 256, 8, 8, 4, 0.0, "learned", true, true), GptConfig.SMALL);
    assertEquals(new GptConfig(256, 64, 64, 4, 2, 4, 0.0, "learned", true, true), GptConfig.TINY);
    assertEquals(new GptConfig(50257, 1024, 768, 12, 12, 4, 0.0, "learned", true, true), GptConfig.GPT2_124M);
  }

  @Test
  void gpt2PresetHasGpt2sParameterCount() {
    // GPT-2 small as published by OpenAI / Hugging Face: 124,439,808 parameters (tied head).
    assertEquals(124_439_808L, GptConfig.GPT2_124M.parameterCount());
    long small = GptConfig.SMALL.parameterCount();
    assertTrue(small > 8_000_000 && small < 12_000_000, "small should be ~10M, is " + small);
  }

  @Test
  void headsNotDividingDModelSaysWhatToChange() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> new GptConfig(256, 64, 96, 5, 2, 4, 0.0, "learned", true, true));
    assertEquals("heads", e.field());
    assertTrue(e.getMessage().contains("use heads=4"), e.getMessage());
  }

  @Test
  void seqLenAboveTheDataFailsBeforeTraining() {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> GptConfig.SMALL.checkFits(128, 8192));
    assertEquals("seq_len", e.field());
    assertTrue(e.getMessage().contains("set seq_len <= 128"), e.getMessage());
    InvalidValueException v = assertThrows(InvalidValueException.class, () -> GptConfig.TINY.checkFits(64, 50000));
    assertTrue(v.getMessage().contains("vocab_size >= 50000"), v.getMessage());
  }

  @Test
  void loadsFromYamlWithKeyNamesInErrors() {
    record Root(GptConfig model) {}
    ConfigLoader<Root> loader = new ConfigLoader<>(Root.class, new Root(GptConfig.DEFAULTS));
    Root r = loader.load(null, List.of("model.layers=3", "model.positional=sinusoidal"));
    assertEquals(3, r.model().layers());
    assertEquals("sinusoidal", r.model().positional());
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, List.of("model.heads=7")));
    assertEquals("model.heads", e.key());
  }

  @Test
  void unknownPresetListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GptConfig.preset("huge"));
    assertTrue(e.getMessage().contains("[gpt2-124m, small, tiny]"), e.getMessage());
  }
}
