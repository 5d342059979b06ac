package org.sparklm.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.model.config.ConfigException;
import org.sparklm.model.gpt.GptConfig;
import picocli.CommandLine;

class TrainCommandTest {
  static SparklmConfig parse(String... args) {
    TrainCommand cmd = new TrainCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.config();
  }

  @Test
  void presetGoesUnderTheSetOverrides() {
    SparklmConfig c = parse("--model", "small", "--set", "train.model.vocab_size=256", "--steps", "7", "--workers", "1",
        "--input", "a.txt", "--output", "o");
    assertEquals(GptConfig.SMALL.withVocabSize(256), c.train().model());
    assertEquals(7, c.train().loop().maxSteps());
    assertEquals(java.util.List.of("a.txt"), c.train().input());
    assertEquals(GptConfig.TINY, parse("--model", "tiny").train().model());
  }

  @Test
  void unknownPresetIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("--model", "huge"));
    assertTrue(e.getMessage().contains("gpt2-124m, small, tiny"), e.getMessage());
  }
}
