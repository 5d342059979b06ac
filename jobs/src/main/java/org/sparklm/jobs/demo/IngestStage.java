package org.sparklm.jobs.demo;

import org.sparklm.jobs.ingest.IngestCommand;
import org.sparklm.jobs.ingest.IngestJob;

/** Demo stage 1: the bundled WARC into documents + rejects. */
final class IngestStage implements DemoStage {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String title() {
    return "WARC -> documents + rejects";
  }

  @Override
  public void run(Context ctx) {
    IngestJob.Result r = IngestJob.run(ctx.spark(), ctx.config().ingest().withInput(ctx.inputs()).withOutput(ctx.dir(name())));
    IngestCommand.report(r, ctx.out(), ctx.err());
    ctx.sql("Documents per content type and charset", "SELECT content_type, charset, count(*) AS documents, "
        + "sum(length(text)) AS text_chars FROM ingest_documents GROUP BY content_type, charset ORDER BY documents DESC");
    ctx.sql("The 5 longest titles", "SELECT title, length(title) AS chars, url FROM ingest_documents "
        + "WHERE title IS NOT NULL ORDER BY length(title) DESC, title LIMIT 5");
    ctx.sql("Rejects by reason", "SELECT reason, count(*) AS records FROM ingest_rejects GROUP BY reason ORDER BY records DESC, reason");
  }
}
