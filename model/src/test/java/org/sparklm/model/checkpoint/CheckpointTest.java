package org.sparklm.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.gpt.Gpt;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.testutil.TestText;
import org.sparklm.model.train.ArrayTokenRows;
import org.sparklm.model.train.TokenSource;
import org.sparklm.model.train.TrainConfig;
import org.sparklm.model.train.Trainer;

class CheckpointTest {
  static final TokenSource DATA = ArrayTokenRows.source(TestText.brownBytes(), 64, 256, 11, "brown sample bytes");
  // dropout on, so the resumed run must also replay dropout's random numbers
  static final GptConfig MODEL = GptConfig.TINY.withDropout(0.1);
  static final TrainConfig TRAIN = TrainConfig.DEFAULTS.withBatch(4, 4 * 64 * 2).withMaxSteps(12)
      .withSchedule(3e-3, 3e-4, 3, 0).withDevice("cpu").withThreads(1);
  static final Configuration CONF = new Configuration();

  @TempDir
  java.nio.file.Path tmp;

  @Test
  void resumeRestoresEverythingExactlyAndContinuesTheSameTrajectory() throws IOException {
    int n = 12;
    List<Double> straight = new ArrayList<>();
    float[] straightWeights;
    try (Gpt gpt = Gpt.create(MODEL, Device.cpu(), 42);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(TRAIN).setData(DATA).build()) {
      for (int i = 0; i < n; i++) {
        straight.add(t.step().loss());
      }
      straightWeights = gpt.parameters().get("h.0.attn.c_attn.weight").toFloatArray();
    }

    Path dir = new Path(tmp.toUri().toString(), "checkpoints");
    List<Double> resumed = new ArrayList<>();
    Map<String, float[]> savedWeights;
    org.sparklm.model.train.TrainState savedState;
    try (Gpt gpt = Gpt.create(MODEL, Device.cpu(), 42);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(TRAIN).setData(DATA).build()) {
      for (int i = 0; i < n / 2; i++) {
        resumed.add(t.step().loss());
      }
      savedWeights = gpt.values();
      savedState = t.state();
      Checkpoint.save(dir, gpt, savedState, TRAIN, "sha256:abc", t.nextLr(), CONF);
      // the killed run goes on a bit and dies without a checkpoint: its steps must not count
      t.step();
    }

    Path latest = Checkpoint.latest(dir, CONF).orElseThrow();
    assertEquals("step-6", latest.getName());
    Checkpoint.Loaded loaded = Checkpoint.load(latest, CONF);
    assertEquals("sha256:abc", loaded.tokenizerHash());
    assertEquals(MODEL, loaded.model());
    assertEquals(TRAIN, loaded.train());
    assertEquals(6, loaded.state().step());
    assertEquals(savedState.cursor(), loaded.state().cursor());
    assertEquals(savedState.recentLosses(), loaded.state().recentLosses());
    assertEquals(savedState.adamStep(), loaded.state().adamStep());
    for (String k : savedWeights.keySet()) {
      assertArrayEquals(savedWeights.get(k), loaded.weights().get(k), 0f, k);
      assertArrayEquals(savedState.firstMoments().get(k), loaded.state().firstMoments().get(k), 0f, "m." + k);
      assertArrayEquals(savedState.secondMoments().get(k), loaded.state().secondMoments().get(k), 0f, "v." + k);
    }
    try (Gpt gpt = loaded.toModel(Device.cpu());
         Trainer t = Trainer.builder().setModel(gpt).setConfig(loaded.train()).setData(DATA).optState(loaded.state()).build()) {
      assertEquals(6, t.stepsDone());
      for (int i = n / 2; i < n; i++) {
        resumed.add(t.step().loss());
      }
      // Everything the checkpoint restores is exact: the first resumed step's loss is
      // bit-identical. Later steps are compared to 1e-6 (relative): libtorch on this CPU was seen
      // to differ in the last bits between two identical uninterrupted runs in one JVM (about
      // one run in ten, from step 5 on; with dropout off too; cause not found), so exact
      // equality there would test libtorch, not the resume.
      assertEquals(straight.subList(0, n / 2 + 1), resumed.subList(0, n / 2 + 1), "losses up to the first resumed step");
      for (int i = n / 2 + 1; i < n; i++) {
        assertEquals(straight.get(i), resumed.get(i), 1e-6 * straight.get(i), "loss of step " + (i + 1));
      }
      assertArrayEquals(straightWeights, gpt.parameters().get("h.0.attn.c_attn.weight").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void halfWrittenCheckpointsAreNeverPickedUp() throws IOException {
    Path dir = new Path(tmp.toUri().toString(), "ck");
    try (Gpt gpt = Gpt.create(GptConfig.TINY, Device.cpu(), 1);
         Trainer t = Trainer.builder().setModel(gpt).setConfig(TRAIN).setData(DATA).build()) {
      t.step();
      Checkpoint.save(dir, gpt, t.state(), TRAIN, null, t.nextLr(), CONF);
    }
    FileSystem fs = dir.getFileSystem(CONF);
    // a writer killed mid-way leaves its temp folder; one on a store without atomic rename may
    // leave step-N without state.json (written last)
    fs.mkdirs(new Path(dir, "_tmp-step-9-1234"));
    try (OutputStream out = fs.create(new Path(dir, "_tmp-step-9-1234/model.safetensors"))) {
      out.write(new byte[] {1, 2, 3});
    }
    fs.mkdirs(new Path(dir, "step-7"));
    try (OutputStream out = fs.create(new Path(dir, "step-7/model.safetensors"))) {
      out.write(new byte[] {1, 2, 3});
    }
    assertEquals("step-1", Checkpoint.latest(dir, CONF).orElseThrow().getName());
    assertEquals(1, Checkpoint.list(dir, CONF).size());
    assertTrue(Checkpoint.latest(new Path(dir, "nothing-here"), CONF).isEmpty());
    // no temp folder of ours is left behind
    assertEquals(List.of("_tmp-step-9-1234", "step-1", "step-7"),
        Files.list(java.nio.file.Path.of(tmp.toString(), "ck")).map(p -> p.getFileName().toString()).sorted().toList());
  }

  @Test
  void safetensorsRoundTrip() throws IOException {
    java.nio.file.Path f = tmp.resolve("t.safetensors");
    Map<String, SafeTensors.Tensor> in = new java.util.LinkedHashMap<>();
    in.put("b", new SafeTensors.Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.NaN}));
    in.put("a", new SafeTensors.Tensor(new long[] {1}, new float[] {-0.5f}));
    try (OutputStream out = Files.newOutputStream(f)) {
      SafeTensors.write(out, in, Map.of("k", "v"));
    }
    Map<String, SafeTensors.Tensor> back = SafeTensors.read(Files.newInputStream(f), f.toString());
    assertEquals(List.of("b", "a"), List.copyOf(back.keySet()));
    assertArrayEquals(new long[] {2, 3}, back.get("b").shape());
    assertArrayEquals(in.get("b").values(), back.get("b").values(), 0f);
  }
}
