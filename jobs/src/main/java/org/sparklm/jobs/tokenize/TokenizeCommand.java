package org.sparklm.jobs.tokenize;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TokenizeConfig;
import org.sparklm.jobs.config.TokenizerSettings;
import org.sparklm.model.data.ShardManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
    description = "Encode documents with the tokenizer, pack them into rows of seq_len + 1 ids and write seeded, "
        + "shuffled Parquet shards under train/, val/ and heldout/ with a manifest.json.")
public final class TokenizeCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "DIR", description = "Folder with a documents/ table, or a .jsonl[.gz] file (id, text); repeatable (setting tokenize.input)")
  List<String> input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (setting tokenize.output)")
  String output;

  @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder or tokenizer.json (setting tokenizer.path)")
  String tokenizer;

  @Option(names = "--seq-len", paramLabel = "N", description = "Tokens per training sequence (setting tokenize.seq_len)")
  Integer seqLen;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    TokenizeConfig t = c.tokenize();
    if (input != null) {
      t = t.withInput(input);
    }
    if (output != null) {
      t = t.withOutput(output);
    }
    if (seqLen != null) {
      t = t.withSeqLen(seqLen);
    }
    if (tokenizer != null) {
      c = c.withTokenizer(new TokenizerSettings(tokenizer));
    }
    return c.withTokenize(t);
  }

  @Override
  public List<String> settingsSections() {
    return List.of("tokenize", "tokenizer", "spark");
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) {
    report(TokenizeJob.run(spark, config.tokenize(), config.tokenizer().path()), out());
    return 0;
  }

  public static void report(TokenizeJob.Result r, java.io.PrintStream out) {
    ShardManifest m = r.manifest();
    for (Map.Entry<String, ShardManifest.Split> e : m.splits().entrySet()) {
      ShardManifest.Split s = e.getValue();
      out.printf("tokenize: %-7s %d documents (%d empty), %d tokens, %.3f bytes/token -> %d rows of %d in %d shard%s%n",
          e.getKey(), s.documents(), s.emptyDocuments(), s.tokens(), s.tokens() == 0 ? 0.0 : (double) s.textBytes() / s.tokens(),
          s.rows(), m.seqLen() + 1, s.shards().size(), s.shards().size() == 1 ? "" : "s");
    }
    out.printf("tokenize: wrote %s (manifest.json; tokenizer sha256 %s, vocab %d)%n", r.output(),
        m.tokenizer().sha256().substring(0, 16), m.tokenizer().vocabSize());
  }
}
