package org.sparklm.jobs.cli;

import java.util.concurrent.Callable;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.model.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the effective configuration (defaults, then --config, then --set) as YAML, or the error in it.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Override
  public Integer call() {
    SparklmConfig c = SparklmConfig.load(common.config(), common.overrides());
    System.out.print(ConfigLoader.toYaml(c));
    return 0;
  }
}
