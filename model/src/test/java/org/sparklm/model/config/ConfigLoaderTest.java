package org.sparklm.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  record Inner(@JsonPropertyDescription("how many") int count, double ratio, List<String> names) {
    static final Inner DEFAULTS = new Inner(3, 0.5, List.of("a"));

    Inner {
      Check.between("count", count, 1, 10);
      Check.between("ratio", ratio, 0.0, 1.0);
      names = Check.list(names);
    }
  }

  record Top(String master, Map<String, String> conf, Inner job, boolean verbose) {
    static final Top DEFAULTS = new Top("local[*]", Map.of(), Inner.DEFAULTS, false);
  }

  private final ConfigLoader<Top> loader = new ConfigLoader<>(Top.class, Top.DEFAULTS);

  @TempDir
  Path dir;

  private Path yaml(String text) throws Exception {
    Path p = dir.resolve("job.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void noFileNoOverridesGivesTheDefaults() {
    assertEquals(Top.DEFAULTS, loader.load(null, List.of()));
  }

  @Test
  void fileOverridesOnlyWhatItSays() throws Exception {
    Top t = loader.load(yaml("job:\n  count: 7\n"), List.of());
    assertEquals(7, t.job().count());
    assertEquals(0.5, t.job().ratio());
    assertEquals(List.of("a"), t.job().names());
    assertEquals("local[*]", t.master());
  }

  @Test
  void setOverridesTheFileAndParsesYamlScalars() throws Exception {
    Top t = loader.load(yaml("job:\n  count: 7\n"), List.of("job.count=9", "verbose=true", "job.names=[x, y]",
        "master=spark://127.0.0.1:7077"));
    assertEquals(9, t.job().count());
    assertTrue(t.verbose());
    assertEquals(List.of("x", "y"), t.job().names());
    assertEquals("spark://127.0.0.1:7077", t.master());
  }

  @Test
  void setKeepsDottedMapKeysWhole() {
    Top t = loader.load(null, List.of("conf.spark.sql.shuffle.partitions=8"));
    assertEquals(Map.of("spark.sql.shuffle.partitions", "8"), t.conf());
  }

  @Test
  void mapValuesWrittenAsNumbersInYamlAreStrings() throws Exception {
    Top t = loader.load(yaml("conf:\n  spark.sql.shuffle.partitions: 4\n"), List.of());
    assertEquals("4", t.conf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void unknownKeyNamesFileKeyAndAllowedKeys() throws Exception {
    Path f = yaml("job:\n  cuont: 7\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertEquals(f.toString(), e.source());
    assertEquals("job.cuont", e.key());
    assertTrue(e.getMessage().contains("allowed keys under 'job': count, names, ratio"), e.getMessage());
  }

  @Test
  void unknownSectionListsTheSections() throws Exception {
    Path f = yaml("jobb:\n  count: 7\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertTrue(e.getMessage().contains("allowed sections: conf, job, master, verbose"), e.getMessage());
  }

  @Test
  void wrongTypeNamesKeyTypeAndValue() throws Exception {
    Path f = yaml("job:\n  count: many\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertEquals("job.count", e.key());
    assertTrue(e.getMessage().startsWith(f + ": key 'job.count' must be an integer, got \"many\""), e.getMessage());
  }

  @Test
  void outOfRangeNamesTheFullKeyAndTheRange() throws Exception {
    Path f = yaml("job:\n  ratio: 1.5\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertEquals("job.ratio", e.key());
    assertTrue(e.getMessage().contains("must be between 0.0 and 1.0, got 1.5"), e.getMessage());
  }

  @Test
  void badOverrideBlamesTheOverrideNotTheFile() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(yaml("job:\n  count: 7\n"), List.of("job.count=0")));
    assertEquals("--set job.count=0", e.source());
    assertTrue(e.getMessage().contains("must be between 1 and 10, got 0"), e.getMessage());
  }

  @Test
  void unknownOverrideKeyIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, List.of("job.colour=red")));
    assertEquals("job.colour", e.key());
    assertEquals("--set job.colour=red", e.source());
  }

  @Test
  void overrideWithoutEqualsIsAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, List.of("job.count")));
    assertTrue(e.getMessage().contains("key=value"), e.getMessage());
  }

  @Test
  void invalidYamlNamesTheFileAndLine() throws Exception {
    Path f = yaml("job:\n  count: [1,\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertTrue(e.getMessage().startsWith(f + ": is not valid YAML"), e.getMessage());
  }

  @Test
  void missingFileIsAnError() {
    Path f = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(f, List.of()));
    assertEquals(f + ": file not found", e.getMessage());
  }

  @Test
  void yamlRoundTripsThroughToYaml() throws Exception {
    Top t = loader.load(null, List.of("job.count=4", "conf.a.b=c"));
    Path f = yaml(ConfigLoader.toYaml(t));
    assertEquals(t, loader.load(f, List.of()));
  }

  @Test
  void helpListsEveryLeafKeyWithDefaultAndDescription() {
    List<String> lines = ConfigHelp.describe(Top.class, Top.DEFAULTS, "x");
    String all = String.join("\n", lines);
    assertTrue(all.contains("x.job.count = 3"), all);
    assertTrue(all.contains("how many"), all);
    assertTrue(all.contains("x.master = local[*]"), all);
    assertEquals(6, lines.size(), all);
  }
}
