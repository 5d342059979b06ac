package org.sparklm.jobs.train;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.jobs.common.JobException;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.export.HfExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/sparklm export}: a checkpoint to a Hugging Face GPT-2 folder. No Spark session needed. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a training checkpoint (a step-N folder, or a run folder: its latest checkpoint) as a Hugging Face "
        + "GPT-2 model folder: model.safetensors, config.json and tokenizer.json.")
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "checkpoints/step-N folder, or a train --output folder (its latest checkpoint)")
  String checkpoint;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the model into")
  String output;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json to copy alongside")
  String tokenizer;

  @Override
  public Integer call() {
    Configuration conf = new Configuration();
    Path ck = new Path(checkpoint);
    try {
      if (!ck.getFileSystem(conf).exists(new Path(ck, Checkpoint.STATE))) {
        ck = Checkpoint.latest(new Path(ck, "checkpoints"), conf).orElseThrow(() -> new JobException(
            "export: " + checkpoint + " is neither a checkpoint (no " + Checkpoint.STATE + ") nor a run folder with checkpoints/"));
      }
      Path out = HfExport.export(ck, new Path(output), tokenizer == null ? null : new Path(tokenizer), conf);
      System.out.println("export: " + ck + " -> " + out + " (model.safetensors, config.json"
          + (tokenizer == null ? "" : ", tokenizer.json") + ")");
      return 0;
    } catch (IllegalArgumentException e) {
      throw new JobException("export: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new JobException("export: cannot read " + ck + " or write " + output + ": " + e.getMessage(), e);
    }
  }
}
