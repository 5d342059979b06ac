package org.sparklm.model.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.testutil.TestText;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * Proof the math is right: a trained checkpoint, exported to Hugging Face GPT-2 form, gives the
 * same per-token log-probs (within 1e-4) on real English text in an independent PyTorch model
 * built from torch.nn modules (src/test/python/gpt_reference.py, Debian's python3-torch).
 */
class HfExportTest {
  static final String PYTHON = "/usr/bin/python3";

  @TempDir
  java.nio.file.Path tmp;

  @Test
  void exportedWeightsGiveTheSameLogProbsInTorchNn() throws Exception {
    requireTorch();
    int[] text = TestText.brownBytes();
    // 3 heads of 32 and an MLP ratio of 4: shapes where a transposed or mis-split weight shows
    GptConfig cfg = new GptConfig(256, 64, 96, 3, 2, 4, 0.0, "learned", true, true);
    Configuration conf = new Configuration();
    Path ckDir = new Path(tmp.toUri().toString(), "checkpoints");
    TrainConfig train = TrainConfig.DEFAULTS.withBatch(8, 8 * 64).withMaxSteps(30).withSchedule(3e-3, 3e-4, 5, 0)
        .withDevice("cpu").withThreads(1);
    Path ck;
    try (Gpt gpt = Gpt.create(cfg, Device.cpu(), 9);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(train)
             .setData(ArrayTokenRows.source(text, 64, 256, 3, "brown")).build()) {
      for (int i = 0; i < 30; i++) {
        t.step(); // trained weights: sharper predictions than the initial near-uniform ones
      }
      ck = Checkpoint.save(ckDir, gpt, t.state(), train, null, t.nextLr(), conf);
    }
    java.nio.file.Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"bytes\"}}");
    Path out = HfExport.export(ck, new Path(tmp.toUri().toString(), "hf"), new Path(tokenizer.toUri().toString()), conf);
    java.nio.file.Path outDir = java.nio.file.Path.of(out.toUri());
    assertTrue(Files.exists(outDir.resolve("tokenizer.json")));
    assertTrue(Files.readString(outDir.resolve("config.json")).contains("\"GPT2LMHeadModel\""));

    // rows of real text: 4 windows of 65 bytes from different documents, full length and shorter
    int[][] rows = {slice(text, 1000, 65), slice(text, 20_000, 65), slice(text, 50_000, 65), slice(text, 70_000, 20)};
    List<float[]> ours = new ArrayList<>();
    try (Gpt gpt = Checkpoint.loadModel(ck, Device.cpu(), conf)) {
      for (int[] row : rows) {
        ours.add(gpt.logProbs(new int[][] {row})[0]);
      }
    }
    StringBuilder tokens = new StringBuilder();
    for (int[] row : rows) {
      for (int id : row) {
        tokens.append(id).append(' ');
      }
      tokens.append('\n');
    }
    java.nio.file.Path tokFile = Files.writeString(tmp.resolve("tokens.txt"), tokens);
    List<String> lines = runPython(outDir, tokFile);
    assertEquals(rows.length, lines.size(), "rows printed by the reference: " + lines);
    double maxDiff = 0;
    double meanLogProb = 0;
    int n = 0;
    for (int r = 0; r < rows.length; r++) {
      String[] ref = lines.get(r).trim().split(" ");
      assertEquals(ours.get(r).length, ref.length, "row " + r);
      for (int j = 0; j < ref.length; j++) {
        double theirs = Double.parseDouble(ref[j]);
        maxDiff = Math.max(maxDiff, Math.abs(theirs - ours.get(r)[j]));
        meanLogProb += theirs;
        n++;
      }
    }
    meanLogProb /= n;
    assertTrue(maxDiff < 1e-4, "max |log-prob difference| = " + maxDiff);
    assertTrue(meanLogProb > -4.5, "trained model should beat uniform (-5.55); mean log-prob " + meanLogProb);
  }

  @Test
  void sinusoidalModelsDoNotExportToGpt2() {
    GptConfig cfg = GptConfig.TINY.withPositional("sinusoidal");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HfExport.export(cfg, java.util.Map.of(), new Path(tmp.toUri().toString(), "x"), null, new Configuration()));
    assertTrue(e.getMessage().contains("model.positional=learned"), e.getMessage());
  }

  private static int[] slice(int[] a, int from, int len) {
    int[] s = new int[len];
    System.arraycopy(a, from, s, 0, len);
    return s;
  }

  /** CI installs python3-torch (.ci/run); without it this test fails, it never skips. */
  static void requireTorch() throws Exception {
    if (!Files.isExecutable(java.nio.file.Path.of(PYTHON))) {
      fail(PYTHON + " is missing: install Debian's python3 and python3-torch (apt-get install -y python3-torch; .ci/run does)");
    }
    Process p = new ProcessBuilder(PYTHON, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true).start();
    String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("python3-torch is missing (" + outText.strip() + "): apt-get install -y python3-torch (.ci/run does)");
    }
  }

  private static List<String> runPython(java.nio.file.Path exportDir, java.nio.file.Path tokens) throws Exception {
    String script = System.getProperty("sparklm.repo.root", "..") + "/model/src/test/python/gpt_reference.py";
    if (!Files.exists(java.nio.file.Path.of(script))) {
      script = "src/test/python/gpt_reference.py";
    }
    Process p = new ProcessBuilder(PYTHON, script, exportDir.toString(), tokens.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("the torch.nn reference failed (exit " + p.exitValue() + "): " + out);
    }
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
