package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.TreeMap;
import org.sparklm.model.config.Check;

/** How the embedded Spark session is made; ignored for the master when spark-submit sets one. */
public record SparkSettings(
    @JsonPropertyDescription("Spark master when not run by spark-submit: local[*], local[N], spark://host:port")
    String master,
    @JsonPropertyDescription("Spark application name shown in the UI and logs")
    String appName,
    @JsonPropertyDescription("Extra Spark properties, e.g. spark.sql.shuffle.partitions: 8")
    Map<String, String> conf) {

  public static final SparkSettings DEFAULTS = new SparkSettings("local[*]", "sparklm", Map.of());

  public SparkSettings {
    Check.notBlank("master", master);
    Check.notBlank("app_name", appName);
    conf = conf == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
  }
}
