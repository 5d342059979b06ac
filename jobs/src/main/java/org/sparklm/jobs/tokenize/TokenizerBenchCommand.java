package org.sparklm.jobs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TokenizerSettings;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.model.tokenizer.BpeTrainer;
import org.sparklm.model.tokenizer.PreTokenizer;
import org.sparklm.udfs.tokenize.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The tokenizer benchmark: encoding speed of our encoder and of jtokkit's cl100k on the same text
 * in the same JVM, one thread each, alternating rounds (so a busy machine slows both alike); DJL's
 * Hugging Face binding once for reference; and the time to train a tokenizer on {@code --train-mb}
 * MB of text (the input repeated to that size) on this one JVM.
 */
@Command(name = "tokenizer-bench", mixinStandardHelpOptions = true,
    description = "Benchmark: encode MB/s per core (ours, jtokkit cl100k, DJL Hugging Face) and tokenizer training time.")
public final class TokenizerBenchCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH", required = true, description = "Documents folder or .jsonl[.gz] file; repeatable")
  List<String> input;

  @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder or tokenizer.json (setting tokenizer.path)")
  String tokenizer;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "7", description = "Timed rounds per encoder; default ${DEFAULT-VALUE}")
  int rounds;

  @Option(names = "--train-mb", paramLabel = "MB", defaultValue = "100", description = "Text to train on, in MB (0: skip); default ${DEFAULT-VALUE}")
  int trainMb;

  @Option(names = "--train-vocab", paramLabel = "N", defaultValue = "32768", description = "Vocabulary size to train; default ${DEFAULT-VALUE}")
  int trainVocab;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    return tokenizer == null ? c : c.withTokenizer(new TokenizerSettings(tokenizer));
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) throws Exception {
    List<String> texts = new ArrayList<>();
    for (Row r : DocumentsInput.read(spark, input, "tokenizer-bench", new ArrayList<>()).select("text").collectAsList()) {
      if (!r.isNullAt(0)) {
        texts.add(r.getString(0));
      }
    }
    long bytes = 0;
    for (String t : texts) {
      bytes += TrainTokenizerJob.utf8Length(t);
    }
    if (bytes == 0) {
      throw new JobException("tokenizer-bench: the input holds no text");
    }
    var out = out();
    out.printf("tokenizer-bench: %d documents, %.1f MB; %d cores, Java %s%n", texts.size(), bytes / 1e6,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    byte[] json = Tokenizers.readJson(config.tokenizer().path(), spark.sparkContext().hadoopConfiguration());
    BpeTokenizer ours = BpeTokenizer.fromJson(json);
    Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    long oursTokens = 0;
    long jtTokens = 0;
    for (int w = 0; w < 2; w++) { // warm-up: JIT and caches
      oursTokens = 0;
      jtTokens = 0;
      for (String t : texts) {
        oursTokens += ours.encode(t).length;
        jtTokens += cl100k.encodeOrdinary(t).size();
      }
    }
    double[] o = new double[rounds];
    double[] j = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      for (String t : texts) {
        ours.encode(t);
      }
      long t1 = System.nanoTime();
      for (String t : texts) {
        cl100k.encodeOrdinary(t);
      }
      long t2 = System.nanoTime();
      o[r] = bytes / 1e6 / ((t1 - t0) / 1e9);
      j[r] = bytes / 1e6 / ((t2 - t1) / 1e9);
    }
    Arrays.sort(o);
    Arrays.sort(j);
    out.printf("encode, 1 thread, median (best) of %d rounds:%n", rounds);
    out.printf("  sparklm BPE (vocab %d): %6.1f MB/s (%.1f)  %.3f bytes/token%n", ours.vocabSize(), o[rounds / 2], o[rounds - 1],
        (double) bytes / oursTokens);
    out.printf("  jtokkit cl100k_base:    %6.1f MB/s (%.1f)  %.3f bytes/token%n", j[rounds / 2], j[rounds - 1], (double) bytes / jtTokens);
    out.printf("  ratio sparklm / jtokkit: %.2fx%n", o[rounds / 2] / j[rounds / 2]);
    Path tmp = Files.createTempFile("sparklm-tokenizer", ".json");
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(Files.write(tmp, json))
        .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
      for (String t : texts) {
        hf.encode(t, false, false).getIds();
      }
      long t0 = System.nanoTime();
      for (String t : texts) {
        hf.encode(t, false, false).getIds();
      }
      long t1 = System.nanoTime();
      out.printf("  DJL HF tokenizers (ids): %6.1f MB/s (1 round, after 1 warm-up)%n", bytes / 1e6 / ((t1 - t0) / 1e9));
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (trainMb > 0) {
      train(texts, trainMb, out);
    }
    return 0;
  }

  private void train(List<String> texts, int mb, java.io.PrintStream out) {
    long target = (long) mb * 1_000_000;
    long seen = 0;
    long t0 = System.nanoTime();
    Map<String, long[]> counts = new HashMap<>();
    int passes = 0;
    while (seen < target) {
      for (String t : texts) {
        PreTokenizer.split(t, (s, e) -> counts.computeIfAbsent(t.substring(s, e), k -> new long[1])[0]++);
        seen += TrainTokenizerJob.utf8Length(t);
        if (seen >= target) {
          break;
        }
      }
      passes++;
    }
    long t1 = System.nanoTime();
    Map<String, Long> c = new HashMap<>(counts.size() * 2);
    counts.forEach((k, v) -> c.put(k, v[0]));
    BpeTrainer.Result r = BpeTrainer.builder().setVocabSize(trainVocab).build().train(c);
    long t2 = System.nanoTime();
    out.printf("train: %.0f MB (the input %d time%s over), %d distinct pre-tokens -> vocab %d%n", seen / 1e6, passes,
        passes == 1 ? "" : "s", c.size(), r.vocabSize());
    out.printf("  counting pre-tokens, 1 thread: %.1f s (train-tokenizer spreads this over the executors)%n", (t1 - t0) / 1e9);
    out.printf("  merge loop on the driver:      %.1f s%n", (t2 - t1) / 1e9);
  }
}
