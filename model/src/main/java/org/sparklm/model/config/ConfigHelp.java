package org.sparklm.model.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** Lists the keys of a config record with their defaults and descriptions, for {@code --help}. */
public final class ConfigHelp {
  private ConfigHelp() {}

  /** One line per leaf key: {@code prefix.key = default   description}. */
  public static List<String> describe(Class<? extends Record> type, Record defaults, String prefix) {
    List<String> out = new ArrayList<>();
    JsonNode tree = ConfigLoader.YAML.valueToTree(defaults);
    walk(type, tree, prefix, out);
    return out;
  }

  private static void walk(Class<?> type, JsonNode tree, String prefix, List<String> out) {
    for (RecordComponent rc : type.getRecordComponents()) {
      String key = ConfigLoader.snake(rc.getName());
      String full = prefix.isEmpty() ? key : prefix + "." + key;
      JsonNode value = tree == null ? null : tree.get(key);
      if (rc.getType().isRecord()) {
        walk(rc.getType(), value, full, out);
        continue;
      }
      JsonPropertyDescription d = rc.getAccessor().getAnnotation(JsonPropertyDescription.class);
      String shown = value == null || value.isNull() ? "(unset)" : value.isTextual() ? value.asText() : value.toString();
      out.add(String.format("  %-40s %s%n      %s", full + " = " + shown, "", d == null ? "" : d.value()).stripTrailing());
    }
  }
}
