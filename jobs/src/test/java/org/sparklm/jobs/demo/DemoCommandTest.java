package org.sparklm.jobs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;

/** The README's first command, end to end on the bundled crawl. */
class DemoCommandTest {
  @TempDir
  Path work;

  @Test
  void demoRunsEveryStageAndPrintsFiguresFromItsTables() {
    SparkTests.Cli r = SparkTests.cli("demo", "--set", "demo.work_dir=" + work);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("ingest: 1 file, 83 response records -> 83 documents, 0 rejects"), r.out());
    assertTrue(r.out().contains("| text/html    | UTF-8   |        83 |"), r.out());
    assertTrue(r.out().contains("argparse"), "longest titles listed");
    assertTrue(Files.isDirectory(work.resolve("ingest/documents")));
    // train: on the tokenize stage's shards, every checkpoint carrying the BPE tokenizer
    assertTrue(r.out().contains("data token shards "), r.out());
    assertTrue(Files.exists(work.resolve("train/checkpoints/step-90/tokenizer.json")));
    // evaluate: every checkpoint of the train stage on the heldout shards and two raw-text sets, bits per byte from SQL
    assertTrue(r.out().contains("-- Bits per byte by training step, per held-out set"), r.out());
    for (String set : new String[] {"brown", "crawl", "heldout"}) {
      long steps = r.out().lines().filter(l -> l.matches("\\| " + set + " +\\| +\\d+ \\| +\\d+\\.\\d+ \\|.*")).count();
      assertTrue(steps >= 2, set + ": bits per byte for at least two checkpoints in\n" + r.out());
    }
    assertTrue(Files.exists(work.resolve("iceberg/catalog.sqlite")));
  }
}
