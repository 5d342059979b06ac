package org.sparklm.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.SparkTests;
import org.sparklm.model.checkpoint.Checkpoint;
import org.sparklm.model.data.ShardManifest;

/**
 * The pipeline's tokenizer path end to end through the CLI, on real text: train-tokenizer ->
 * tokenize -> train a tiny model on the shards -> evaluate every checkpoint on the held-out
 * shards and on raw text (JSONL), the raw text encoded with the BPE tokenizer each checkpoint
 * carries.
 */
class TokenizedPipelineTest {
  static final int SEQ_LEN = 32;
  static final int VOCAB = 512;

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Path tokenizer;
  static Path shards;
  static Path run;
  static Path brown;

  static SparkTests.Cli ok(String... args) {
    SparkTests.Cli r = SparkTests.cli(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
    return r;
  }

  @BeforeAll
  static void pipeline() throws Exception {
    spark = SparkTests.session();
    // documents: the model's Brown and crawl slices, one document per paragraph (so every split gets many)
    String res = System.getProperty("sparklm.repo.root", "..") + "/model/src/test/resources/tokenizer/";
    Path docs = tmp.resolve("clean");
    spark.read().json(res + "brown-slice.jsonl").select("id", "text")
        .unionAll(spark.read().json(res + "dev-crawl-slice.jsonl").select("id", "text"))
        .select(functions.col("id"), functions.posexplode(functions.split(functions.col("text"), "\n\n")))
        .where("length(col) > 0")
        .select(functions.concat_ws("#", functions.col("id"), functions.col("pos").cast("string")).as("doc_id"),
            functions.col("col").as("text"))
        .repartition(2).write().parquet(docs.resolve("documents").toString());
    tokenizer = tmp.resolve("tokenizer");
    shards = tmp.resolve("tokens");
    run = tmp.resolve("runs/bpe-tiny");
    ok("train-tokenizer", "--input", docs.toString(), "--output", tokenizer.toString(), "--vocab-size", String.valueOf(VOCAB));
    ok("tokenize", "--input", docs.toString(), "--tokenizer", tokenizer.toString(), "--output", shards.toString(),
        "--seq-len", String.valueOf(SEQ_LEN), "--set", "tokenize.val_fraction=0.1", "--set", "tokenize.heldout_fraction=0.1");
    // no input_format: the default (auto) sees the manifest and trains on the shards
    ok("train", "--input", shards.toString(), "--output", run.toString(), "--model", "tiny", "--steps", "6",
        "--set", "train.model.vocab_size=" + VOCAB,
        "--set", "train.model.seq_len=" + SEQ_LEN, "--set", "train.loop.micro_batch=4",
        "--set", "train.loop.tokens_per_step=" + 4 * SEQ_LEN, "--set", "train.loop.checkpoint_every=3",
        "--set", "train.loop.threads=1", "--set", "train.loop.device=cpu", "--set", "train.loop.warmup_steps=2",
        "--set", "train.validation_batches=1");
    brown = EvalFixtures.brownJsonl(tmp.resolve("data"));
  }

  @Test
  void checkpointsTrainedOnShardsScoreTheHeldOutShardsAndRawTextThroughTheirTokenizer() throws Exception {
    // every checkpoint carries the run's tokenizer, byte for byte
    byte[] json = Files.readAllBytes(tokenizer.resolve("tokenizer.json"));
    ShardManifest m = ShardManifest.readDir(shards.toString(), new Configuration());
    for (String step : List.of("step-3", "step-6")) {
      assertArrayEquals(json, Files.readAllBytes(run.resolve("checkpoints").resolve(step).resolve(Checkpoint.TOKENIZER)), step);
      assertTrue(Files.readString(run.resolve("checkpoints").resolve(step).resolve(Checkpoint.STATE))
          .contains("\"tokenizer_hash\" : \"" + m.tokenizer().sha256() + "\""));
    }

    Path wh = tmp.resolve("wh");
    SparkTests.Cli r = ok("evaluate", "--warehouse", wh.toString(), "--run", run.toString(), "--dataset", "heldout=" + shards,
        "--dataset", "brown=" + brown, "--tokens-table", "--set", "eval.bootstrap_samples=20");
    assertTrue(r.out().contains("evaluate: 2 checkpoint(s)"), r.out());

    SparkTests.Cli q = ok("sql", "--warehouse", wh.toString(), "SELECT dataset, step, round(bits_per_byte, 4) AS bpb "
        + "FROM eval_summary WHERE domain = '*' ORDER BY dataset, step");
    assertTrue(q.out().lines().filter(l -> l.matches("\\| (brown|heldout) +\\| +[36] \\| +\\d+\\.\\d+ \\|")).count() == 4,
        "bits per byte by step for both sets from SQL:\n" + q.out());

    Map<String, Row> docs = new HashMap<>();
    for (Row d : spark.sql("SELECT dataset, step, count(*), sum(tokens), sum(bytes) FROM eval_docs GROUP BY dataset, step")
        .collectAsList()) {
      docs.put(d.getString(0) + "/" + d.getLong(1), d);
    }
    assertEquals(4, docs.size(), docs.toString());
    // raw text: bits per byte counts every UTF-8 byte of the text once (<|endoftext|> before each
    // document, so its first token is scored too), with fewer BPE tokens than bytes
    long brownBytes = 0;
    ObjectMapper mapper = new ObjectMapper();
    for (String line : EvalFixtures.brownText().lines().toList()) {
      brownBytes += mapper.readTree(line).get("text").asText().getBytes(StandardCharsets.UTF_8).length;
    }
    long heldoutRows = m.splits().get("heldout").rows();
    assertTrue(heldoutRows > 0, "the tokenize output has heldout rows");
    for (long step : List.of(3L, 6L)) {
      Row b = docs.get("brown/" + step);
      assertEquals(15L, b.getLong(2));
      assertEquals(brownBytes, b.getLong(4), "every byte of the text counted once");
      assertTrue(b.getLong(3) < brownBytes / 2, "BPE tokens, not bytes: " + b.getLong(3) + " for " + brownBytes + " bytes");
      Row h = docs.get("heldout/" + step);
      assertEquals(heldoutRows, h.getLong(2), "every row of the heldout split");
      assertEquals(heldoutRows * SEQ_LEN, h.getLong(3), "each row: seq_len targets after its first id, no BOS added");
      assertTrue(h.getLong(4) > h.getLong(3), "bytes of the ids' text: " + h.getLong(4));
    }
    // the per-token rows show the BPE pieces, whose bytes add up
    Row t = spark.sql("SELECT count(*), sum(length(token)) FROM eval_tokens WHERE dataset = 'brown' AND step = 6").first();
    assertEquals(docs.get("brown/6").getLong(3), t.getLong(0));
  }

  @Test
  void aCheckpointWithoutItsTokenizerOrWithAnotherOneIsRefusedAlone() throws Exception {
    Path copy = tmp.resolve("runs/broken");
    for (String s : List.of("step-3", "step-6")) {
      Path from = run.resolve("checkpoints").resolve(s);
      Path to = copy.resolve("checkpoints").resolve(s);
      Files.createDirectories(to);
      try (var files = Files.list(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    Path step3 = copy.resolve("checkpoints/step-3");
    Files.delete(step3.resolve(Checkpoint.TOKENIZER));
    Files.delete(step3.resolve("." + Checkpoint.TOKENIZER + ".crc"));
    Path wh = tmp.resolve("wh-broken");
    SparkTests.Cli r = SparkTests.cli("evaluate", "--warehouse", wh.toString(), "--run", copy.toString(),
        "--dataset", "brown=" + brown, "--set", "eval.bootstrap_samples=10");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("no_tokenizer") && r.err().contains("carries no tokenizer.json"), r.err());
    List<Row> rows = spark.sql("SELECT step, count(*) FROM eval_docs GROUP BY step").collectAsList();
    assertEquals(1, rows.size(), "the good checkpoint still lands");
    assertEquals(6L, rows.get(0).getLong(0));

    // byte shards against a BPE checkpoint: a tokenizer mismatch, named
    Path bytes = EvalFixtures.shards(spark, tmp.resolve("byte-tokens"), "bytes-utf8", 2);
    SparkTests.Cli mm = SparkTests.cli("evaluate", "--warehouse", wh.toString(), "--checkpoint",
        run.resolve("checkpoints/step-6").toString(), "--dataset", "bytes=" + bytes);
    assertTrue(mm.err().contains("tokenizer_mismatch"), mm.err());
  }
}
