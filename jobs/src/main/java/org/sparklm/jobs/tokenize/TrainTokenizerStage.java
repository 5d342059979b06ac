package org.sparklm.jobs.tokenize;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.demo.DemoCommand;
import org.sparklm.jobs.demo.DemoStage;

/** Demo stage: a small tokenizer learned from the latest documents table of the demo. */
public final class TrainTokenizerStage implements DemoStage {
  /** Small so the demo stays fast; real corpora use train_tokenizer.vocab_size (32768). */
  static final int DEMO_VOCAB = 2048;

  @Override
  public String name() {
    return "train-tokenizer";
  }

  @Override
  public String title() {
    return "documents -> byte-level BPE tokenizer.json (vocab " + DEMO_VOCAB + ")";
  }

  @Override
  public void run(Context ctx) {
    String docs = documentsBefore(ctx, name());
    TrainTokenizerJob.Result r = TrainTokenizerJob.run(ctx.spark(), ctx.config().trainTokenizer()
        .withInput(java.util.List.of(docs)).withOutput(ctx.dir(name())).withVocabSize(DEMO_VOCAB),
        TokenizeStage.DEMO_VAL, TokenizeStage.DEMO_HELDOUT);
    TrainTokenizerCommand.report(r, ctx.out());
    ctx.sql("Vocabulary", "SELECT count(*) AS vocab_size, CAST(ceil(count(*) / 64.0) * 64 AS INT) AS padded_for_model, "
        + "count_if(kind = 'merge') AS merges, count_if(kind = 'special') AS special, max(bytes) AS longest_token_bytes "
        + "FROM train_tokenizer_vocab");
    ctx.sql("The 5 longest word tokens learned", "SELECT id, text, bytes, merge_count "
        + "FROM train_tokenizer_vocab WHERE kind = 'merge' AND text RLIKE '^ ?[A-Za-z]+$' ORDER BY bytes DESC, id LIMIT 5");
  }

  /** The output folder of the last stage before {@code self} that wrote a documents/ table. */
  static String documentsBefore(Context ctx, String self) {
    String found = null;
    Configuration conf = ctx.spark().sparkContext().hadoopConfiguration();
    for (DemoStage s : DemoCommand.stages()) {
      if (s.name().equals(self)) {
        break;
      }
      Path p = new Path(ctx.dir(s.name()), "documents");
      try {
        if (p.getFileSystem(conf).exists(p)) {
          found = ctx.dir(s.name());
        }
      } catch (IOException e) {
        throw new JobException("demo: cannot look at " + p + ": " + e.getMessage(), e);
      }
    }
    if (found == null) {
      throw new JobException("demo: no stage before " + self + " wrote a documents/ table");
    }
    return found;
  }
}
