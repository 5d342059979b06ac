package org.sparklm.model.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.export.HfExport;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.testutil.TestText;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

/**
 * Scoring proof: per-token log-probs of whole documents (longer than the context, so several
 * windows) equal, within 1e-4, those of an independent torch.nn GPT-2 whose windows are made as
 * lm-evaluation-harness and Hugging Face make them (src/test/python/score_reference.py).
 */
class ScorerTest {
  static final String PYTHON = "/usr/bin/python3";
  static final int CONTEXT = 32;
  static final GptConfig CFG = new GptConfig(256, CONTEXT, 64, 4, 2, 4, 0.0, "learned", true, true);

  @TempDir
  static java.nio.file.Path tmp;
  static Path checkpoint;
  static final int[] TEXT = TestText.brownBytes();

  /** A briefly trained checkpoint: sharper predictions than the initial near-uniform ones. */
  @BeforeAll
  static void train() throws Exception {
    TrainConfig train = TrainConfig.DEFAULTS.withBatch(8, 8 * CONTEXT).withMaxSteps(20).withSchedule(3e-3, 3e-4, 5, 0)
        .withDevice("cpu").withThreads(1);
    try (Gpt gpt = Gpt.create(CFG, Device.cpu(), 11);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(train)
             .setData(ArrayTokenRows.source(TEXT, CONTEXT, 256, 3, "brown")).build()) {
      for (int i = 0; i < 20; i++) {
        t.step();
      }
      checkpoint = Checkpoint.save(new Path(tmp.toUri().toString(), "checkpoints"), gpt, t.state(), train,
          ByteEncoder.HASH, t.nextLr(), new Configuration());
    }
  }

  static List<int[]> docs() {
    // a document of ~7 contexts, one just over a context, one shorter than a context, one of 2 ids
    return List.of(slice(1000, 7 * CONTEXT + 5), slice(30_000, CONTEXT + 2), slice(50_000, 11), slice(70_000, 2));
  }

  @Test
  void logProbsMatchTorchNnWithLmEvalAndHuggingFaceWindows() throws Exception {
    requireTorch();
    Configuration conf = new Configuration();
    ScoringCheckpoint.Info info = ScoringCheckpoint.info(checkpoint, conf);
    assertEquals(20, info.step());
    assertEquals(ByteEncoder.HASH, info.tokenizerHash());
    java.nio.file.Path hf = java.nio.file.Path.of(HfExport.export(checkpoint, new Path(tmp.toUri().toString(), "hf"), null, conf).toUri());
    List<int[]> docs = docs();
    StringBuilder lines = new StringBuilder();
    for (int[] d : docs) {
      lines.append(String.join(" ", Arrays.stream(d).mapToObj(Integer::toString).toList())).append('\n');
    }
    java.nio.file.Path docsFile = Files.writeString(tmp.resolve("docs.txt"), lines);
    try (Gpt gpt = ScoringCheckpoint.loadModel(info, Device.cpu(), conf)) {
      Scorer scorer = new Scorer(gpt, 3);
      for (WindowPolicy p : List.of(WindowPolicy.DISJOINT, WindowPolicy.strided(12))) {
        float[][] ours = scorer.scoreDocuments(docs, p);
        List<String> ref = runPython(hf, docsFile, p);
        assertEquals(docs.size(), ref.size());
        double maxDiff = 0;
        double sum = 0;
        int n = 0;
        for (int d = 0; d < docs.size(); d++) {
          String[] theirs = ref.get(d).trim().split(" ");
          assertEquals(docs.get(d).length - 1, ours[d].length, "targets of doc " + d);
          assertEquals(ours[d].length, theirs.length, p.label() + " doc " + d + ": every token after the first, once");
          for (int j = 0; j < theirs.length; j++) {
            double t = Double.parseDouble(theirs[j]);
            maxDiff = Math.max(maxDiff, Math.abs(t - ours[d][j]));
            sum += t;
            n++;
          }
        }
        assertTrue(maxDiff < 1e-4, p.label() + ": max |log-prob difference| = " + maxDiff);
        assertTrue(sum / n > -4.5, "a trained model beats uniform (-5.55): " + sum / n);
      }
    }
  }

  /** Sorting by length and batching changes nothing: each document alone scores the same. */
  @Test
  void batchedScoresEqualScoresOneDocumentAtATime() throws Exception {
    Configuration conf = new Configuration();
    try (Gpt gpt = ScoringCheckpoint.loadModel(ScoringCheckpoint.info(checkpoint, conf), Device.cpu(), conf)) {
      List<int[]> docs = docs();
      float[][] together = new Scorer(gpt, 4).scoreDocuments(docs, WindowPolicy.DISJOINT);
      for (int d = 0; d < docs.size(); d++) {
        float[] alone = new Scorer(gpt, 1).scoreDocuments(List.of(docs.get(d)), WindowPolicy.DISJOINT)[0];
        for (int j = 0; j < alone.length; j++) {
          assertEquals(alone[j], together[d][j], 2e-5, "doc " + d + " target " + j);
        }
      }
    }
  }

  @Test
  void anIdOutsideTheVocabularyNamesTheDocument() throws Exception {
    Configuration conf = new Configuration();
    try (Gpt gpt = ScoringCheckpoint.loadModel(ScoringCheckpoint.info(checkpoint, conf), Device.cpu(), conf)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new Scorer(gpt, 2).scoreDocuments(List.of(new int[] {1, 2}, new int[] {3, 300}), WindowPolicy.DISJOINT));
      assertTrue(e.getMessage().contains("document 1 has token id 300 at position 1"), e.getMessage());
    }
  }

  @Test
  void aCorruptModelFileIsReportedByPath() throws Exception {
    Configuration conf = new Configuration();
    java.nio.file.Path bad = tmp.resolve("bad/step-3");
    Files.createDirectories(bad);
    java.nio.file.Path src = java.nio.file.Path.of(checkpoint.toUri());
    Files.copy(src.resolve(Checkpoint.STATE), bad.resolve(Checkpoint.STATE));
    byte[] model = Files.readAllBytes(src.resolve(Checkpoint.MODEL));
    Files.write(bad.resolve(Checkpoint.MODEL), Arrays.copyOf(model, model.length / 2));
    ScoringCheckpoint.Info info = ScoringCheckpoint.info(new Path(bad.toUri().toString()), conf);
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> ScoringCheckpoint.loadModel(info, Device.cpu(), conf));
    assertTrue(e.getMessage().contains("bad/step-3/model.safetensors"), e.getMessage());
  }

  static double sum(float[] a) {
    double s = 0;
    for (float f : a) {
      s += f;
    }
    return s;
  }

  static int[] slice(int from, int len) {
    return Arrays.copyOfRange(TEXT, from, from + len);
  }

  static void requireTorch() throws Exception {
    if (!Files.isExecutable(java.nio.file.Path.of(PYTHON))) {
      fail(PYTHON + " is missing: install Debian's python3 and python3-torch (.ci/run does)");
    }
  }

  static List<String> runPython(java.nio.file.Path hf, java.nio.file.Path docs, WindowPolicy p) throws Exception {
    String script = System.getProperty("sparklm.repo.root", "..") + "/model/src/test/python/score_reference.py";
    if (!Files.exists(java.nio.file.Path.of(script))) {
      script = "src/test/python/score_reference.py";
    }
    Process proc = new ProcessBuilder(PYTHON, script, hf.toString(), docs.toString(), p.kind(), Integer.toString(p.stride()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!proc.waitFor(300, TimeUnit.SECONDS) || proc.exitValue() != 0) {
      fail("the torch.nn reference failed (exit " + proc.exitValue() + "): " + out);
    }
    List<String> lines = new ArrayList<>(out.lines().toList());
    return lines;
  }
}
