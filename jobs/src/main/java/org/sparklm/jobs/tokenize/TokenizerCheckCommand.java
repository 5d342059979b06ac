package org.sparklm.jobs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklm.jobs.cli.SparkCommand;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.SparklmConfig;
import org.sparklm.jobs.config.TokenizerSettings;
import org.sparklm.model.tokenizer.BpeTokenizer;
import org.sparklm.udfs.tokenize.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Proves our encoder against the reference on whole corpora: for every document, our ids must
 * equal those of Hugging Face's Rust library (through DJL, with truncation and padding off and no
 * special tokens added) and decoding them must give the text back. Exit 1 on any difference.
 *
 * <p>Documents that contain a special token's text are encoded by the Rust library as that
 * special token, and by ours as plain text (on purpose: text must not inject control tokens); for
 * those the ids are not compared, only counted, and the round trip is still checked.
 */
@Command(name = "tokenizer-check", mixinStandardHelpOptions = true,
    description = "Check the tokenizer on whole corpora: ids equal to Hugging Face tokenizers (DJL), decode(encode(x)) == x, "
        + "bytes per token. Inputs: folders with a documents/ table or .jsonl[.gz] files with a text field.")
public final class TokenizerCheckCommand extends SparkCommand {
  @Option(names = "--input", paramLabel = "PATH", required = true, description = "Documents folder or .jsonl[.gz] file; repeatable")
  List<String> input;

  @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder or tokenizer.json (setting tokenizer.path)")
  String tokenizer;

  @Override
  protected SparklmConfig applyOptions(SparklmConfig c) {
    return tokenizer == null ? c : c.withTokenizer(new TokenizerSettings(tokenizer));
  }

  @Override
  public List<String> settingsSections() {
    return List.of("tokenizer", "spark");
  }

  /** Totals of a check; {@code firstProblem} names a document and what differed. */
  public record Result(long documents, long bytes, long tokens, long idMismatches, long roundTripFailures,
                       long withSpecialText, String firstProblem) implements java.io.Serializable {
    Result plus(Result o) {
      return new Result(documents + o.documents, bytes + o.bytes, tokens + o.tokens, idMismatches + o.idMismatches,
          roundTripFailures + o.roundTripFailures, withSpecialText + o.withSpecialText,
          firstProblem != null ? firstProblem : o.firstProblem);
    }
  }

  @Override
  protected int run(SparkSession spark, SparklmConfig config) throws Exception {
    Result r = check(spark, input, config.tokenizer().path());
    PrintReport.print(r, out());
    return r.idMismatches() == 0 && r.roundTripFailures() == 0 ? 0 : 1;
  }

  static final class PrintReport {
    static void print(Result r, java.io.PrintStream out) {
      out.printf("tokenizer-check: %d documents, %d bytes, %d tokens (%.3f bytes/token)%n", r.documents(), r.bytes(), r.tokens(),
          r.tokens() == 0 ? 0.0 : (double) r.bytes() / r.tokens());
      out.printf("tokenizer-check: ids differ from Hugging Face tokenizers in %d documents; decode(encode(x)) != x in %d; "
          + "%d documents contain special-token text (ids not compared)%n", r.idMismatches(), r.roundTripFailures(), r.withSpecialText());
      if (r.firstProblem() != null) {
        out.println("tokenizer-check: first problem: " + r.firstProblem());
      }
    }
  }

  public static Result check(SparkSession spark, List<String> inputs, String tokenizerPath) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    byte[] json;
    try {
      json = Tokenizers.readJson(tokenizerPath, jsc.hadoopConfiguration());
      Tokenizers.fromJson(json);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new JobException("tokenizer-check: " + e.getMessage(), e);
    }
    Broadcast<byte[]> tok = jsc.broadcast(json);
    List<Result> parts = DocumentsInput.read(spark, inputs, "tokenizer-check", new ArrayList<>()).javaRDD()
        .mapPartitions((Iterator<Row> rows) -> List.of(checkPartition(tok.value(), rows)).iterator()).collect();
    Result total = new Result(0, 0, 0, 0, 0, 0, null);
    for (Result p : parts) {
      total = total.plus(p);
    }
    return total;
  }

  static Result checkPartition(byte[] json, Iterator<Row> rows) throws Exception {
    BpeTokenizer ours = Tokenizers.fromJson(json);
    Path tmp = Files.createTempFile("sparklm-tokenizer", ".json");
    Files.write(tmp, json);
    List<String> specials = new ArrayList<>(ours.specialTokens().keySet());
    long docs = 0, bytes = 0, tokens = 0, bad = 0, rt = 0, special = 0;
    String first = null;
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(tmp).optAddSpecialTokens(false)
        .optTruncation(false).optPadding(false).build()) {
      while (rows.hasNext()) {
        Row row = rows.next();
        String id = row.isNullAt(0) ? "?" : row.getString(0);
        String text = row.isNullAt(1) ? "" : row.getString(1);
        docs++;
        bytes += TrainTokenizerJob.utf8Length(text);
        int[] ids = ours.encode(text);
        tokens += ids.length;
        if (!ours.decode(ids).equals(text)) {
          rt++;
          if (first == null) {
            first = "doc " + id + ": decode(encode(text)) differs from the text";
          }
        }
        if (specials.stream().anyMatch(text::contains)) {
          special++;
          continue;
        }
        long[] ref = hf.encode(text, false, false).getIds();
        int at = firstDifference(ids, ref);
        if (at >= 0) {
          bad++;
          if (first == null) {
            first = "doc " + id + ": ids differ at position " + at + " (ours " + (at < ids.length ? ids[at] : "end")
                + ", Hugging Face " + (at < ref.length ? ref[at] : "end") + ")";
          }
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Result(docs, bytes, tokens, bad, rt, special, first);
  }

  static int firstDifference(int[] a, long[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return a.length == b.length ? -1 : n;
  }
}
