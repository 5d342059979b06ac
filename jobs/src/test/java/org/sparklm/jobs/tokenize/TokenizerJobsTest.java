package org.sparklm.jobs.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.config.TokenizeConfig;
import org.sparklm.jobs.config.TrainTokenizerConfig;
import org.sparklm.model.data.ShardCursor;
import org.sparklm.model.data.ShardManifest;
import org.sparklm.model.data.TokenShardReader;
import org.sparklm.model.tokenizer.BpeTokenizer;

/** train-tokenizer then tokenize on a real Spark session over real text (model's test slices). */
class TokenizerJobsTest {
  static SparkSession spark;
  @TempDir
  static Path dir;
  static String docs;
  static List<String> texts = new ArrayList<>();
  static TrainTokenizerJob.Result trained;
  static String tokenizerDir;

  @BeforeAll
  static void setUp() {
    spark = SparkSession.builder().master("local[2]").appName("TokenizerJobsTest").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    String res = System.getProperty("sparklm.repo.root", "..") + "/model/src/test/resources/tokenizer/";
    Dataset<Row> slices = spark.read().json(res + "brown-slice.jsonl").select("id", "text")
        .unionAll(spark.read().json(res + "dev-crawl-slice.jsonl").select("id", "text"));
    List<Row> rows = new ArrayList<>();
    for (Row r : slices.collectAsList()) {
      rows.add(RowFactory.create(r.getString(0), r.getString(1)));
    }
    rows.add(RowFactory.create("empty", ""));
    rows.add(RowFactory.create("special", "<|endoftext|> is how we end; <|endoftext|><|endoftext|>"));
    for (int i = 0; i < 40; i++) { // short documents, so every split gets some
      rows.add(RowFactory.create("short-" + i, "Short document number " + i + ", with a few words in it."));
    }
    for (Row r : rows) {
      texts.add(r.getString(1));
    }
    StructType schema = new StructType().add("doc_id", DataTypes.StringType, false).add("text", DataTypes.StringType, false)
        .add("url", DataTypes.StringType, true);
    List<Row> withUrl = new ArrayList<>();
    for (Row r : rows) {
      withUrl.add(RowFactory.create(r.getString(0), r.getString(1), null));
    }
    docs = dir.resolve("clean").toString();
    spark.createDataFrame(withUrl, schema).repartition(3).write().parquet(docs + "/documents");
    tokenizerDir = dir.resolve("tokenizer").toString();
    trained = TrainTokenizerJob.run(spark, TrainTokenizerConfig.DEFAULTS.withInput(List.of(docs)).withOutput(tokenizerDir)
        .withVocabSize(700), 0.1, 0.1);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void trainTokenizerWritesATokenizerAndItsVocabTable() throws IOException {
    BpeTokenizer tok = BpeTokenizer.load(Path.of(tokenizerDir));
    assertEquals(700, tok.vocabSize());
    assertEquals(704, tok.paddedVocabSize());
    assertEquals(699, tok.eotId());
    assertEquals(tok.sha256(), trained.sha256());
    Row v = spark.sql("SELECT count(*), count_if(kind = 'merge'), count_if(kind = 'special'), max(id) FROM parquet.`"
        + tokenizerDir + "/vocab`").first();
    assertEquals(700L, v.getLong(0));
    assertEquals(443L, v.getLong(1));
    assertEquals(1L, v.getLong(2));
    assertEquals(699, v.getInt(3));
    String info = Files.readString(Path.of(tokenizerDir, TrainTokenizerJob.INFO_FILE));
    assertTrue(info.contains("\"padded_vocab_size\" : 704"), info);
    // same input, same tokenizer
    TrainTokenizerJob.Result again = TrainTokenizerJob.run(spark, TrainTokenizerConfig.DEFAULTS.withInput(List.of(docs))
        .withOutput(dir.resolve("tokenizer2").toString()).withVocabSize(700), 0.1, 0.1);
    assertEquals(trained.sha256(), again.sha256());
    // only the documents tokenize puts in train/ (same fractions) were trained on
    long inTrain = texts.size() - spark.read().parquet(docs + "/documents").collectAsList().stream()
        .filter(r -> DocSplit.of(DocSplit.hash(r.getString(0)), 0.1, 0.1) != DocSplit.TRAIN).count();
    assertEquals(inTrain, trained.documents());
    assertTrue(inTrain < texts.size());
  }

  @Test
  void tokenizeWritesPackedShuffledShardsReproducibly() throws IOException {
    TokenizeConfig cfg = TokenizeConfig.DEFAULTS.withInput(List.of(docs)).withSeqLen(64).withSplitFractions(0.1, 0.1)
        .withShardTargetBytes(65L * 4 * 200).withPackGroups(4); // 200 rows per shard
    String out1 = dir.resolve("tokens1").toString();
    String out2 = dir.resolve("tokens2").toString();
    ShardManifest m = TokenizeJob.run(spark, cfg.withOutput(out1), tokenizerDir).manifest();
    TokenizeJob.run(spark, cfg.withOutput(out2), tokenizerDir);

    BpeTokenizer tok = BpeTokenizer.load(Path.of(tokenizerDir));
    long expectTokens = 0;
    long nonEmpty = 0;
    for (String t : texts) {
      if (!t.isEmpty()) {
        expectTokens += tok.encode(t).length + 1;
        nonEmpty++;
      }
    }
    long tokens = 0;
    long documents = 0;
    long empty = 0;
    for (String split : ShardManifest.SPLITS) {
      ShardManifest.Split s = m.splits().get(split);
      tokens += s.tokens();
      documents += s.documents();
      empty += s.emptyDocuments();
      assertEquals(s.tokens(), s.rows() * 65 + s.droppedTokens(), split);
      assertTrue(s.droppedTokens() < 65);
      assertTrue(s.documents() > 0, split + " got no document");
      long rowsInShards = 0;
      for (ShardManifest.Shard sh : s.shards()) {
        Path a = Path.of(out1, split, sh.file());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(Path.of(out2, split, sh.file())), "rerun changed " + a);
        assertEquals(Files.size(a), sh.bytes());
        rowsInShards += sh.rows();
      }
      assertEquals(s.rows(), rowsInShards);
      // Spark sees array<int> rows of seq_len + 1
      Row r = spark.sql("SELECT count(*), min(size(tokens)), max(size(tokens)), sum(size(filter(tokens, x -> x = " + tok.eotId()
          + "))) FROM parquet.`" + out1 + "/" + split + "`").first();
      assertEquals(s.rows(), r.getLong(0));
      if (s.rows() > 0) {
        assertEquals(65, r.getInt(1));
        assertEquals(65, r.getInt(2));
        assertTrue(r.getLong(3) <= s.documents(), "more <|endoftext|> than documents: text made special tokens");
      }
    }
    assertEquals(expectTokens, tokens);
    assertEquals(nonEmpty, documents);
    assertEquals(1, empty);
    assertTrue(m.splits().get("train").shards().size() >= 2, "expected several train shards");
    assertEquals(tok.sha256(), m.tokenizer().sha256());
    assertEquals(64, m.seqLen());
    assertEquals(ShardManifest.readDir(out1, new Configuration()), m);
    Row splits = spark.sql("SELECT sum(tokens), sum(documents) FROM parquet.`" + out1 + "/splits`").first();
    assertEquals(expectTokens, splits.getLong(0));

    // the trainer's reader streams them: every train row once per epoch
    ShardManifest.Split train = m.splits().get("train");
    Set<String> seen = new HashSet<>();
    try (TokenShardReader r = TokenShardReader.open(out1 + "/train", new Configuration(), 5, 0, 1, ShardCursor.START)) {
      int[] row = new int[65];
      for (long i = 0; i < train.rows(); i++) {
        r.next(row);
        seen.add(java.util.Arrays.toString(row));
      }
      assertEquals(new ShardCursor(1, 0, 0), r.cursor());
    }
    assertTrue(seen.size() > train.rows() * 0.9, "rows repeated within an epoch");
  }

  @Test
  void checkCommandFindsTheSameIdsAsHuggingFace() {
    String res = System.getProperty("sparklm.repo.root", "..") + "/model/src/test/resources/tokenizer/";
    TokenizerCheckCommand.Result r = TokenizerCheckCommand.check(spark, List.of(docs, res + "brown-slice.jsonl"), tokenizerDir);
    assertEquals(texts.size() + 20, r.documents());
    assertEquals(0, r.idMismatches(), r.firstProblem());
    assertEquals(0, r.roundTripFailures(), r.firstProblem());
    assertEquals(1, r.withSpecialText());
    assertTrue(r.bytes() > 2 * r.tokens(), "bytes/token " + (double) r.bytes() / r.tokens()); // 700 ids: ~2.2
  }

  @Test
  void aSplitOfDocumentsStaysPutWhenTheCorpusGrows() {
    long h = DocSplit.hash("doc-1");
    assertEquals(DocSplit.hash("doc-1"), h);
    int n = 0;
    for (int i = 0; i < 10000; i++) {
      if (DocSplit.of(DocSplit.hash("d" + i), 0.1, 0.05) == DocSplit.VAL) {
        n++;
      }
    }
    assertTrue(n > 900 && n < 1100, "val share " + n);
  }

  @Test
  void inputWithoutTextIsRefusedByName() {
    String bad = dir.resolve("bad").toString();
    spark.sql("SELECT 'x' AS doc_id, 1 AS n").write().parquet(bad + "/documents");
    JobException e = assertThrows(JobException.class, () -> TokenizeJob.run(spark,
        TokenizeConfig.DEFAULTS.withInput(List.of(bad)).withOutput(dir.resolve("o").toString()), tokenizerDir));
    assertTrue(e.getMessage().contains("text") && e.getMessage().contains("bad/documents"), e.getMessage());
    e = assertThrows(JobException.class, () -> TokenizeJob.run(spark,
        TokenizeConfig.DEFAULTS.withInput(List.of(docs)).withOutput(dir.resolve("o").toString()), dir.resolve("none").toString()));
    assertTrue(e.getMessage().contains("no tokenizer at"), e.getMessage());
  }
}
