package org.sparklm.jobs.demo;

import org.sparklm.jobs.clean.CleanCommand;
import org.sparklm.jobs.clean.CleanJob;

/** Demo stage 2: the ingested documents through the quality rules into kept + dropped. */
final class CleanStage implements DemoStage {
  @Override
  public String name() {
    return "clean";
  }

  @Override
  public String title() {
    return "documents -> URL blocklist, language ID, Gopher / C4 / FineWeb rules, PII redaction";
  }

  @Override
  public void run(Context ctx) {
    CleanJob.Result r = CleanJob.run(ctx.spark(), ctx.config().clean()
        .withInput(java.util.List.of(ctx.dir("ingest"))).withOutput(ctx.dir(name())));
    CleanCommand.report(r, ctx.out());
    ctx.sql("Documents dropped per rule (the first rule each document failed)",
        "SELECT rule, documents, bytes, CAST(100.0 * documents / (SELECT count(*) FROM ingest_documents) AS DECIMAL(5, 1)) AS pct_of_input "
            + "FROM clean_filter_stats ORDER BY documents DESC, rule");
    ctx.sql("Kept documents by language", "SELECT language, count(*) AS documents, CAST(avg(language_score) AS DECIMAL(4, 3)) AS mean_score, "
        + "sum(length(text)) AS text_chars FROM clean_documents GROUP BY language ORDER BY documents DESC, language");
    ctx.sql("Measured values per rule: the median, and the document that measured lowest",
        "SELECT rule, percentile_disc(0.5) WITHIN GROUP (ORDER BY value) AS median_value, min_by(url, value) AS lowest_url "
            + "FROM clean_dropped GROUP BY rule ORDER BY rule");
  }
}
