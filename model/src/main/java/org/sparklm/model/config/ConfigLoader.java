package org.sparklm.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps YAML onto a tree of config records: defaults, then a YAML file, then {@code --set key=value}
 * overrides, each layer merged key by key onto the one before.
 *
 * <p>Keys are the records' component names in snake_case. Binding is strict: an unknown key, a
 * value of the wrong type, or a value the record's compact constructor refuses (see {@link Check})
 * is a {@link ConfigException} naming the layer it came from, the full key and what is allowed.
 * The defaults live in one place, the {@code DEFAULTS} constant of each record.
 */
public final class ConfigLoader<T extends Record> {
  static final ObjectMapper YAML = YAMLMapper.builder(
          new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private final Class<T> type;
  private final T defaults;

  public ConfigLoader(Class<T> type, T defaults) {
    this.type = type;
    this.defaults = defaults;
  }

  /** Loads {@code file} (may be null) over the defaults, then applies {@code key=value} overrides. */
  public T load(Path file, List<String> overrides) {
    ObjectNode tree = defaultsTree();
    Map<String, String> origin = new HashMap<>();
    if (file != null) {
      String source = file.toString();
      JsonNode fileTree;
      try {
        fileTree = YAML.readTree(Files.readString(file));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new ConfigException(source, "", "file not found");
      } catch (JsonProcessingException e) {
        throw new ConfigException(source, "", "is not valid YAML: " + firstLine(e.getOriginalMessage())
            + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
      } catch (IOException e) {
        throw new ConfigException(source, "", "cannot be read: " + e);
      }
      if (fileTree != null && !fileTree.isMissingNode() && !fileTree.isNull()) {
        if (!fileTree.isObject()) {
          throw new ConfigException(source, "", "must be a YAML map of sections, e.g. 'ingest:'");
        }
        merge(tree, (ObjectNode) fileTree, "", source, origin);
      }
    }
    for (String override : overrides == null ? List.<String>of() : overrides) {
      applyOverride(tree, override, origin);
    }
    return bind(tree, origin);
  }

  /** The defaults as a YAML-shaped tree (snake_case keys). */
  public ObjectNode defaultsTree() {
    return (ObjectNode) YAML.valueToTree(defaults);
  }

  /** The config as YAML, keys in snake_case: what {@code bin/sparklm config} prints. */
  public static String toYaml(Object config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One config record as single-line JSON, e.g. to ship it to executors or into a manifest. */
  public static String toJson(Object config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The reverse of {@link #toJson}; no validation layer names here, the JSON came from us. */
  public static <R> R fromJson(String json, Class<R> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  private void applyOverride(ObjectNode tree, String override, Map<String, String> origin) {
    String source = "--set " + override;
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(source, "", "must look like key=value, e.g. ingest.max_record_bytes=1000000");
    }
    List<String> path = splitKey(override.substring(0, eq).trim(), source);
    String raw = override.substring(eq + 1);
    JsonNode value;
    try {
      value = raw.isEmpty() ? TextNode.valueOf("") : YAML.readTree(raw);
      if (value == null || value.isMissingNode()) {
        value = TextNode.valueOf(raw);
      }
    } catch (JsonProcessingException e) {
      value = TextNode.valueOf(raw);
    }
    ObjectNode node = tree;
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < path.size() - 1; i++) {
      String seg = path.get(i);
      key.append(key.length() == 0 ? "" : ".").append(seg);
      JsonNode child = node.get(seg);
      if (child == null || child.isNull()) {
        child = node.putObject(seg);
      } else if (!child.isObject()) {
        throw new ConfigException(source, key.toString(), "is a single value, not a section: set '" + key + "=...' instead");
      }
      node = (ObjectNode) child;
    }
    String last = path.get(path.size() - 1);
    key.append(key.length() == 0 ? "" : ".").append(last);
    JsonNode existing = node.get(last);
    if (existing != null && existing.isObject() && value.isObject()) {
      merge((ObjectNode) existing, (ObjectNode) value, key.toString(), source, origin);
    } else {
      node.set(last, value);
      origin.put(key.toString(), source);
    }
  }

  /**
   * Splits a dotted key along the record structure: once the walk reaches a {@code Map}-typed
   * component (e.g. {@code spark.conf}), the rest of the key is one map key, dots and all, so
   * {@code spark.conf.spark.sql.shuffle.partitions=8} does what a Spark user means.
   */
  private List<String> splitKey(String key, String source) {
    if (key.isEmpty()) {
      throw new ConfigException(source, "", "has an empty key");
    }
    String[] parts = key.split("\\.", -1);
    List<String> out = new ArrayList<>();
    Class<?> current = type;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        throw new ConfigException(source, key, "has an empty part");
      }
      out.add(parts[i]);
      Type next = current == null ? null : componentType(current, parts[i]);
      if (next instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
          && Map.class.isAssignableFrom(raw) && i + 1 < parts.length) {
        out.add(String.join(".", List.of(parts).subList(i + 1, parts.length)));
        return out;
      }
      current = next instanceof Class<?> c && c.isRecord() ? c : null;
    }
    return out;
  }

  private static Type componentType(Class<?> record, String snakeName) {
    if (!record.isRecord()) {
      return null;
    }
    for (RecordComponent rc : record.getRecordComponents()) {
      if (snake(rc.getName()).equals(snakeName)) {
        return rc.getGenericType();
      }
    }
    return null;
  }

  static String snake(String camel) {
    return new PropertyNamingStrategies.SnakeCaseStrategy().translate(camel);
  }

  private static void merge(ObjectNode base, ObjectNode overlay, String prefix, String source, Map<String, String> origin) {
    Iterator<Map.Entry<String, JsonNode>> it = overlay.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode existing = base.get(e.getKey());
      if (existing != null && existing.isObject() && e.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) e.getValue(), key, source, origin);
      } else {
        base.set(e.getKey(), e.getValue());
        origin.put(key, source);
      }
    }
  }

  private T bind(ObjectNode tree, Map<String, String> origin) {
    try {
      return YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String key = keyOf(e);
      String parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
      Collection<Object> known = e.getKnownPropertyIds() == null ? List.of() : e.getKnownPropertyIds();
      TreeSet<String> allowed = new TreeSet<>();
      known.forEach(k -> allowed.add(String.valueOf(k)));
      throw new ConfigException(sourceOf(key, origin), key, "is not a known setting; allowed "
          + (parent.isEmpty() ? "sections" : "keys under '" + parent + "'") + ": " + String.join(", ", allowed));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof InvalidValueException)) {
        cause = cause.getCause();
      }
      if (cause instanceof InvalidValueException ive) {
        String parent = keyOf(e);
        String key = parent.isEmpty() ? ive.field() : parent + "." + ive.field();
        throw new ConfigException(sourceOf(key, origin), key, ive.reason());
      }
      throw new ConfigException(sourceOf(keyOf(e), origin), keyOf(e), firstLine(e.getOriginalMessage()));
    } catch (MismatchedInputException e) {
      String key = keyOf(e);
      JsonNode got = tree.at("/" + String.join("/", key.replace("~", "~0").replace("/", "~1").split("\\.")));
      String gotText = e instanceof InvalidFormatException ife ? String.valueOf(ife.getValue())
          : got.isMissingNode() ? "" : got.toString();
      throw new ConfigException(sourceOf(key, origin), key, "must be " + describe(e.getTargetType())
          + (gotText.isEmpty() ? "" : ", got " + gotText));
    } catch (JsonProcessingException e) {
      String key = e instanceof JsonMappingException m ? keyOf(m) : "";
      throw new ConfigException(sourceOf(key, origin), key, firstLine(e.getOriginalMessage()));
    }
  }

  private static String keyOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String sourceOf(String key, Map<String, String> origin) {
    String k = key;
    while (!k.isEmpty()) {
      String s = origin.get(k);
      if (s != null) {
        return s;
      }
      int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
      k = cut < 0 ? "" : k.substring(0, cut);
    }
    // a key under a section the user wrote, but not itself written: blame the section's layer
    for (Map.Entry<String, String> e : origin.entrySet()) {
      if (e.getKey().startsWith(key + ".")) {
        return e.getValue();
      }
    }
    return "defaults";
  }

  private static String describe(Class<?> t) {
    if (t == null) {
      return "a different kind of value";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "an integer";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(t)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "a map of keys";
    }
    return "a " + t.getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
