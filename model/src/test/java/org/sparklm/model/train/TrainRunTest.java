package org.sparklm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.testutil.TestText;

class TrainRunTest {
  static final Configuration CONF = new Configuration();

  @TempDir
  java.nio.file.Path tmp;

  @Test
  void runWritesCheckpointsAndMetricsAndResumesWhereItStopped() throws IOException {
    int[] text = TestText.brownBytes();
    int cut = text.length * 9 / 10;
    TokenSource train = ArrayTokenRows.source(java.util.Arrays.copyOf(text, cut), 64, 256, 1, "brown train");
    TokenSource val = ArrayTokenRows.source(java.util.Arrays.copyOfRange(text, cut, text.length), 64, 256, 1, "brown val");
    Path out = new Path(tmp.toUri().toString(), "run");
    TrainConfig tc = TrainConfig.DEFAULTS.withBatch(4, 256).withMaxSteps(20).withCheckpointEvery(10)
        .withSchedule(3e-3, 3e-4, 5, 40).withDevice("cpu").withThreads(1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainRun.Summary first = TrainRun.run(new TrainRun.Spec(GptConfig.TINY, tc, train, val, 2, out, "r1", "sha256:t",
        CONF, new PrintStream(log, true)));
    assertEquals(20, first.steps());
    assertTrue(first.valLoss() < Math.log(256), "validation loss " + first.valLoss());
    String text1 = log.toString();
    assertTrue(text1.contains("train: step 10/20 | loss "), text1);
    assertTrue(text1.contains("tok/s") && text1.contains("MFU") && text1.contains("grad norm"), text1);
    assertEquals(List.of("step-10", "step-20"), Checkpoint.list(new Path(out, "checkpoints"), CONF).stream().map(Path::getName).toList());

    // the same output, a longer run: resumes at step 20
    log.reset();
    TrainRun.Summary second = TrainRun.run(new TrainRun.Spec(GptConfig.TINY, tc.withMaxSteps(30), train, val, 2, out, "r1",
        "sha256:t", CONF, new PrintStream(log, true)));
    assertEquals(20, second.startStep());
    assertTrue(log.toString().contains("resuming from"), log.toString());
    List<Long> steps = new ArrayList<>();
    Path metrics = new Path(out, "train_metrics");
    for (FileStatus f : metrics.getFileSystem(CONF).listStatus(metrics, p -> p.getName().startsWith("part-"))) {
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), f.getPath()).withConf(CONF).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          steps.add(g.getLong("step", 0));
          assertTrue(g.getDouble("tokens_per_sec", 0) > 0);
          assertEquals("r1", g.getString("run", 0));
        }
      }
    }
    steps.sort(Long::compare);
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 30; i++) {
      expected.add(i);
    }
    assertEquals(expected, steps, "every step once in train_metrics");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(new TrainRun.Spec(
        GptConfig.TINY.withDropout(0.2), tc.withMaxSteps(40), train, val, 2, out, "r1", null, CONF, new PrintStream(log))));
    assertTrue(e.getMessage().contains("use a new --output"), e.getMessage());
  }
}
