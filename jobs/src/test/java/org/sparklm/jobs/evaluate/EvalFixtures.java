package org.sparklm.jobs.evaluate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklm.model.data.ShardManifest;

/** Real inputs for the evaluation tests: a trained run, a Brown slice, token shards. */
final class EvalFixtures {
  private EvalFixtures() {}

  static String brownText() throws IOException {
    try (InputStream in = EvalFixtures.class.getResourceAsStream("/eval/brown-tiny.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The Brown slice as a JSONL file in {@code dir}. */
  static Path brownJsonl(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("brown.jsonl"), brownText());
  }

  /** A tiny byte model trained 12 steps on Brown text, checkpoints at steps 4, 8, 12. */
  static Path trainedRun(Path dir) throws IOException {
    return trainedRun(dir, 12, 4);
  }

  static Path trainedRun(Path dir, int steps, int every) throws IOException {
    String text = brownText().repeat(3);
    QuickRun.train(QuickRun.bytes(text), new org.apache.hadoop.fs.Path(dir.toUri().toString()), steps, every, 5,
        new Configuration());
    return dir;
  }

  /**
   * A tokenize output folder of byte ids: a {@code manifest.json} (written through
   * {@link ShardManifest}, the tokenize job's own format) naming {@code tokenizerHash}, and a
   * {@code heldout/} split of Parquet rows of 65 byte ids of real text. Real BPE shards come from
   * the tokenize job itself ({@code TokenizedPipelineTest}).
   */
  static Path shards(SparkSession spark, Path dir, String tokenizerHash, int rows) throws IOException {
    Files.createDirectories(dir);
    new ShardManifest(ShardManifest.FORMAT, 64, 1, new ShardManifest.TokenizerInfo(null, tokenizerHash, 256, 256, -1),
        List.of(), java.util.Map.of()).write(new org.apache.hadoop.fs.Path(dir.resolve("manifest.json").toUri()),
        new Configuration());
    int[] ids = QuickRun.bytes(brownText());
    List<Row> out = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int[] row = Arrays.copyOfRange(ids, 3000 + r * 64, 3000 + r * 64 + 65);
      out.add(RowFactory.create((Object) Arrays.stream(row).boxed().toArray(Integer[]::new)));
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("tokens", DataTypes.createArrayType(DataTypes.IntegerType), false)});
    spark.createDataFrame(out, schema).coalesce(1).write().parquet(dir.resolve("heldout").toString());
    return dir;
  }
}
