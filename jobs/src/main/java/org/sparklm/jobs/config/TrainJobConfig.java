package org.sparklm.jobs.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.sparklm.model.config.Check;
import org.sparklm.model.config.InvalidValueException;
import org.sparklm.model.gpt.GptConfig;
import org.sparklm.model.train.TrainConfig;

/**
 * The {@code train} job: token rows in, {@code checkpoints/step-N/} and a {@code train_metrics}
 * table out. {@code model} is the network's shape, {@code loop} the optimizer and schedule.
 */
public record TrainJobConfig(
    @JsonPropertyDescription("Training data: token shards (input_format=shards), text files/folders/globs (text) or documents tables (documents); --input")
    List<String> input,
    @JsonPropertyDescription("Output folder: checkpoints/ and train_metrics/ are written under it; an existing run there is resumed; --output")
    String output,
    @JsonPropertyDescription("auto (shards when the input is a tokenize output folder with a manifest.json, else text), shards (the tokenize job's Parquet rows), text (files read as bytes, each byte one token, vocab 256) or documents (a table with a text column, e.g. ingest's documents, as bytes)")
    String inputFormat,
    @JsonPropertyDescription("text input: the last fraction of the bytes held out for the validation loss")
    double validationFraction,
    @JsonPropertyDescription("Micro-batches of held-out rows scored for the validation loss at each checkpoint")
    int validationBatches,
    @JsonPropertyDescription("Workers (executors) training in data parallel; 1 trains on the driver")
    int workers,
    @JsonPropertyDescription("Name of the run in the train_metrics table")
    String runName,
    @JsonPropertyDescription("Model shape (--model PRESET replaces this whole section: tiny, small, gpt2-124m)")
    GptConfig model,
    @JsonPropertyDescription("Optimizer, schedule, batch and checkpointing")
    TrainConfig loop) {

  public static final List<String> FORMATS = List.of("auto", "shards", "text", "documents");

  // auto: `train --input work/tokenize` trains on the shards, `train --input notes.txt` on bytes,
  // with no format to name (TrainData.resolveFormat decides, from the input alone).
  // validation_fraction 0.05: enough held-out bytes of a small corpus for a stable loss.
  public static final TrainJobConfig DEFAULTS = new TrainJobConfig(List.of(), "work/train", "auto", 0.05, 20, 1, "run",
      GptConfig.DEFAULTS, TrainConfig.DEFAULTS);

  public TrainJobConfig {
    input = Check.list(input);
    Check.notBlank("output", output);
    Check.oneOf("input_format", inputFormat, FORMATS);
    Check.between("validation_fraction", validationFraction, 0.0, 0.5);
    Check.between("validation_batches", validationBatches, 1, 1 << 20);
    // 1: the loop on the driver; N > 1: one data-parallel worker per executor (org.sparklm.jobs.train.dist)
    Check.between("workers", workers, 1, 4096);
    Check.notBlank("run_name", runName);
    Check.notNull("model", model);
    Check.notNull("loop", loop);
  }

  public TrainJobConfig withInput(List<String> v) {
    return new TrainJobConfig(v, output, inputFormat, validationFraction, validationBatches, workers, runName, model, loop);
  }

  public TrainJobConfig withOutput(String v) {
    return new TrainJobConfig(input, v, inputFormat, validationFraction, validationBatches, workers, runName, model, loop);
  }

  public TrainJobConfig withInputFormat(String v) {
    return new TrainJobConfig(input, output, v, validationFraction, validationBatches, workers, runName, model, loop);
  }

  public TrainJobConfig withWorkers(int v) {
    return new TrainJobConfig(input, output, inputFormat, validationFraction, validationBatches, v, runName, model, loop);
  }

  public TrainJobConfig withModel(GptConfig v) {
    return new TrainJobConfig(input, output, inputFormat, validationFraction, validationBatches, workers, runName, v, loop);
  }

  public TrainJobConfig withLoop(TrainConfig v) {
    return new TrainJobConfig(input, output, inputFormat, validationFraction, validationBatches, workers, runName, model, v);
  }
}
