package org.sparklm.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.config.TrainJobConfig;

class TrainDataTest {
  @TempDir
  Path tmp;

  private String format(String inputFormat, Path... inputs) {
    List<String> in = java.util.Arrays.stream(inputs).map(Path::toString).toList();
    return TrainData.resolveFormat(TrainJobConfig.DEFAULTS.withInput(in).withInputFormat(inputFormat), new Configuration())
        .inputFormat();
  }

  @Test
  void autoTrainsOnShardsWhenTheInputIsATokenizeOutputAndOnBytesOtherwise() throws Exception {
    Path shards = Files.createDirectories(tmp.resolve("tokens"));
    Files.writeString(shards.resolve("manifest.json"), "{}");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "some text");
    Path folder = Files.createDirectories(tmp.resolve("texts"));
    assertEquals("auto", TrainJobConfig.DEFAULTS.inputFormat());
    assertEquals("shards", format("auto", shards));
    assertEquals("text", format("auto", text));
    assertEquals("text", format("auto", folder));
    assertEquals("text", format("auto", shards, text)); // shards come as one folder
    // a named format is kept, whatever the input looks like
    assertEquals("text", format("text", shards));
    assertEquals("documents", format("documents", folder));
  }
}
