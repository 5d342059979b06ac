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
    assertTrue(r.out().contains("-- Time per training step"), r.out());
    assertTrue(Files.isDirectory(work.resolve("train_dp/train_steps")));
  }
}
