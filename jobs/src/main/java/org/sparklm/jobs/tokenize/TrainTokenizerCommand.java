package org.sparklm.jobs.tokenize;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TrainTokenizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
    description = "Learn a byte-level BPE tokenizer from documents: pre-tokens counted on Spark, merges on the driver. "
        + "Writes tokenizer.json (Hugging Face format), tokenizer-info.json and a vocab table.")
public final class TrainTokenizerCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "DIR", description = "Folder with a documents/ table, or a .jsonl[.gz] file (id, text); repeatable (setting train_tokenizer.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting train_tokenizer.output)")
  String output;

  @Option(names = "--vocab-size", paramLabel = "N", description = "Vocabulary size (setting train_tokenizer.vocab_size)")
  Integer vocabSize;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    TrainTokenizerConfig t = c.trainTokenizer();
    if (input != null) {
      t = t.withInput(input);
    }
    if (output != null) {
      t = t.withOutput(output);
    }
    if (vocabSize != null) {
      t = t.withVocabSize(vocabSize);
    }
    return c.withTrainTokenizer(t);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("train_tokenizer", "tokenize", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    report(TrainTokenizerJob.run(spark, config.trainTokenizer(), config.tokenize().valFraction(),
        config.tokenize().heldoutFraction()), out());
    return 0;
  }

  public static void report(TrainTokenizerJob.Result r, java.io.PrintStream out) {
    out.printf("train-tokenizer: %d documents, %d bytes, %d pre-tokens (%d distinct, %d used) -> vocab %d "
            + "(%d merges; padded for the model: %d)%n", r.documents(), r.textBytes(), r.pretokens(), r.distinctPretokens(),
        r.pretokensKept(), r.vocabSize(), r.merges(), r.paddedVocabSize());
    out.printf("train-tokenizer: counting %.1f s, merging %.1f s; wrote %s/tokenizer.json (sha256 %s)%n",
        r.countSeconds(), r.mergeSeconds(), r.output(), r.sha256().substring(0, 16));
  }
}
