package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;

/**
 * The {@code evaluate} job: checkpoints x held-out datasets in, the Iceberg tables
 * {@code eval_docs}, {@code eval_summary} (and optionally {@code eval_tokens}, {@code eval_tasks})
 * out, in the warehouse of {@code storage.warehouse}.
 */
public record EvalConfig(
    @JsonPropertyDescription("Training run folders: every checkpoints/step-N/ under each is evaluated; --run")
    List<String> runs,
    @JsonPropertyDescription("Single checkpoint folders (step-N/); --checkpoint")
    List<String> checkpoints,
    @JsonPropertyDescription("Held-out datasets, name -> path: token shards (a tokenize output folder: its heldout/ split), JSONL with a text field, Parquet with a text column, or plain text files (one document each); --dataset NAME=PATH")
    Map<String, String> datasets,
    @JsonPropertyDescription("Multiple-choice tasks, name -> JSONL file of {id, context, choices, gold}; --task NAME=PATH")
    Map<String, String> tasks,
    @JsonPropertyDescription("The run column's value; empty: the run folder's name")
    String runName,
    @JsonPropertyDescription("Documents longer than the context: disjoint (lm-eval's rolling windows, one forward pass per context) or strided (Hugging Face's, more context per token)")
    String window,
    @JsonPropertyDescription("Tokens between strided windows' starts (1..context); 0: half the model's context")
    int stride,
    @JsonPropertyDescription("Full-context rows per forward pass; shorter rows are packed to the same number of tokens")
    int batchRows,
    @JsonPropertyDescription("Device: auto (first GPU if visible, else CPU), cpu, gpu or gpuN")
    String device,
    @JsonPropertyDescription("libtorch intra-op CPU threads per executor; 0 keeps libtorch's default (one per core)")
    int threads,
    @JsonPropertyDescription("Also write eval_tokens (one row per scored token: large)")
    boolean tokensTable,
    @JsonPropertyDescription("Bootstrap resamples of the documents for the standard errors in eval_summary; 0 turns them off")
    int bootstrapSamples,
    @JsonPropertyDescription("Seed of the bootstrap resampling")
    long seed,
    @JsonPropertyDescription("Column (JSONL/Parquet) holding a document's text")
    String textColumn,
    @JsonPropertyDescription("Column holding a document's id; when absent, ids are row numbers (or file names for plain text)")
    String idColumn,
    @JsonPropertyDescription("Column holding a document's domain (e.g. Brown's genre); when absent, documents have none")
    String domainColumn,
    @JsonPropertyDescription("Most documents read per dataset (first ones by id order); 0: all")
    long maxDocs,
    @JsonPropertyDescription("Checkpoints kept loaded per executor JVM (each loaded once however many tasks use it); keep it >= the executor's task slots")
    int maxModels,
    @JsonPropertyDescription("Spark catalog name the Iceberg tables are registered under")
    String catalog,
    @JsonPropertyDescription("Iceberg namespace of the tables")
    String namespace,
    @JsonPropertyDescription("Iceberg catalog properties (type: hive|rest|..., uri, warehouse...); empty: an embedded JDBC catalog on the SQLite file <warehouse>/iceberg/catalog.sqlite")
    Map<String, String> catalogProperties,
    @JsonPropertyDescription("Iceberg commit retries (commit.retry.num-retries) when several jobs write at once")
    int commitRetries) {

  public static final List<String> WINDOWS = List.of("disjoint", "strided");

  // batch_rows 8: 8 x 257 ids of `small` is ~70 MB of logits, and fills two cores (docs/performance.md);
  // 200 bootstrap resamples: the standard error's own relative error is ~1/sqrt(2*200) = 5%;
  // commit retries 30: three jobs at once on SQLite landed every commit with 20-50 (shared/README).
  public static final EvalConfig DEFAULTS = new EvalConfig(List.of(), List.of(), Map.of(), Map.of(), "", "disjoint", 0, 8,
      "auto", 0, false, 200, 1234, "text", "id", "domain", 0, 2, "sparklm", "eval", Map.of(), 30);

  public EvalConfig {
    runs = Check.list(runs);
    checkpoints = Check.list(checkpoints);
    datasets = datasets == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(datasets));
    tasks = tasks == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tasks));
    runName = runName == null ? "" : runName;
    Check.oneOf("window", window, WINDOWS);
    Check.between("stride", stride, 0, 1 << 16);
    Check.between("batch_rows", batchRows, 1, 1 << 16);
    Check.notBlank("device", device);
    Check.between("threads", threads, 0, 1024);
    Check.between("bootstrap_samples", bootstrapSamples, 0, 100_000);
    Check.notBlank("text_column", textColumn);
    Check.notBlank("id_column", idColumn);
    Check.notBlank("domain_column", domainColumn);
    Check.atLeast("max_docs", maxDocs, 0);
    Check.between("max_models", maxModels, 1, 64);
    Check.notBlank("catalog", catalog);
    if (!catalog.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new InvalidValueException("catalog", "must be a SQL identifier (letters, digits, _), got '" + catalog + "'");
    }
    Check.notBlank("namespace", namespace);
    catalogProperties = catalogProperties == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(catalogProperties));
    Check.between("commit_retries", commitRetries, 0, 1000);
  }

  public EvalConfig withInputs(List<String> r, List<String> c, Map<String, String> d, Map<String, String> t) {
    return new EvalConfig(r, c, d, t, runName, window, stride, batchRows, device, threads, tokensTable, bootstrapSamples, seed,
        textColumn, idColumn, domainColumn, maxDocs, maxModels, catalog, namespace, catalogProperties, commitRetries);
  }

  public EvalConfig withWindow(String w, int s) {
    return new EvalConfig(runs, checkpoints, datasets, tasks, runName, w, s, batchRows, device, threads, tokensTable,
        bootstrapSamples, seed, textColumn, idColumn, domainColumn, maxDocs, maxModels, catalog, namespace, catalogProperties,
        commitRetries);
  }

  public EvalConfig withTokensTable(boolean v) {
    return new EvalConfig(runs, checkpoints, datasets, tasks, runName, window, stride, batchRows, device, threads, v,
        bootstrapSamples, seed, textColumn, idColumn, domainColumn, maxDocs, maxModels, catalog, namespace, catalogProperties,
        commitRetries);
  }

  public EvalConfig withRunName(String v) {
    return new EvalConfig(runs, checkpoints, datasets, tasks, v, window, stride, batchRows, device, threads, tokensTable,
        bootstrapSamples, seed, textColumn, idColumn, domainColumn, maxDocs, maxModels, catalog, namespace, catalogProperties,
        commitRetries);
  }

  public EvalConfig withMaxDocs(long v) {
    return new EvalConfig(runs, checkpoints, datasets, tasks, runName, window, stride, batchRows, device, threads, tokensTable,
        bootstrapSamples, seed, textColumn, idColumn, domainColumn, v, maxModels, catalog, namespace, catalogProperties,
        commitRetries);
  }
}
