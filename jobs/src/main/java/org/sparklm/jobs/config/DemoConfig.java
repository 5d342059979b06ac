package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;

/** The {@code demo} command: the pipeline's stages on a small crawl bundled in the repository. */
public record DemoConfig(
    @JsonPropertyDescription("Crawl files for the demo; relative paths are resolved against the sparklm checkout")
    List<String> input,
    @JsonPropertyDescription("Where the demo writes its tables; relative paths are resolved against the sparklm checkout")
    String workDir,
    @JsonPropertyDescription("Workers of the demo's data-parallel training stage (train_dp) on the tokenize stage's shards: 2 or more start a local standalone cluster of that many single-core Workers; 1 skips the stage; --workers")
    int workers) {

  public static final DemoConfig DEFAULTS = new DemoConfig(List.of("data/demo/dev-crawl-sample.warc.gz"), "work/demo", 1);

  public DemoConfig {
    input = Check.list(input);
    Check.notBlank("work_dir", workDir);
    Check.between("workers", workers, 1, 16);
  }

  public DemoConfig withWorkers(int v) {
    return new DemoConfig(input, workDir, v);
  }
}
