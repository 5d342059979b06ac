package org.sparklm.jobs.demo;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparklm.jobs.common.JobException;
import org.sparklm.jobs.dedup.DedupCommand;
import org.sparklm.jobs.dedup.DedupJob;

/** Demo stage: exact and near duplicates out of the documents of the last stage before it that wrote some. */
final class DedupStage implements DemoStage {
  @Override
  public String name() {
    return "dedup";
  }

  @Override
  public String title() {
    return "documents -> deduplicated documents + duplicates (exact, MinHash near)";
  }

  @Override
  public void run(Context ctx) {
    String input = previousDocuments(ctx, DemoCommand.stages());
    DedupJob.Result r = DedupJob.run(ctx.spark(), ctx.config().dedup().withInput(List.of(input)).withOutput(ctx.dir(name())));
    DedupCommand.report(r, ctx.out());
    ctx.sql("Duplicates removed, by kind", "SELECT k.kind, count(x.doc_id) AS removed, round(avg(x.jaccard), 3) AS mean_jaccard "
        + "FROM VALUES ('exact'), ('near') AS k(kind) LEFT JOIN dedup_duplicates x ON x.kind = k.kind GROUP BY k.kind ORDER BY k.kind");
    ctx.sql("Kept documents by cluster size", "SELECT cluster_size, count(*) AS documents FROM dedup_documents "
        + "GROUP BY cluster_size ORDER BY cluster_size");
    ctx.sql("The largest clusters", "SELECT d.cluster_size, d.url AS kept_url, min(x.url) AS a_removed_url "
        + "FROM dedup_documents d JOIN dedup_duplicates x ON x.kept_doc_id = d.doc_id WHERE d.cluster_size > 1 "
        + "GROUP BY d.cluster_size, d.url ORDER BY d.cluster_size DESC, d.url LIMIT 5");
  }

  /** The folder of the last stage before this one whose output holds a documents/ table. */
  static String previousDocuments(Context ctx, List<DemoStage> stages) {
    String found = null;
    for (DemoStage s : stages) {
      if (s instanceof DedupStage) {
        break;
      }
      Path docs = new Path(ctx.dir(s.name()), "documents");
      try {
        FileSystem fs = docs.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration());
        if (fs.isDirectory(docs)) {
          found = ctx.dir(s.name());
        }
      } catch (IOException e) {
        throw new JobException("demo: cannot look for " + docs + ": " + e.getMessage(), e);
      }
    }
    if (found == null) {
      throw new JobException("demo: no stage before dedup wrote a documents table");
    }
    return found;
  }
}
