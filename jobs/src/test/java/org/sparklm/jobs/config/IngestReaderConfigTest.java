package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.jobs.ingest.IngestJob;
import org.sparklm.model.config.ConfigException;
import org.sparklm.udfs.extract.MainContent;
import org.sparklm.udfs.ingest.WarcIngest;

/** The ingest keys added for the readers and main-content extraction (issue 3). */
class IngestReaderConfigTest {
  @Test
  void defaultsArePinned() {
    IngestConfig d = IngestConfig.DEFAULTS;
    assertEquals("main_content", d.extractor());
    assertEquals(8L << 20, d.maxExtractChars());
    assertEquals(2000, d.maxExtractMillis());
    assertEquals("auto", d.format());
    assertEquals("text", d.textField());
    assertEquals("url", d.urlField());
    assertEquals("id", d.idField());
    assertEquals(new MainContent.Limits(8L << 20, 2000), MainContent.Limits.DEFAULTS);
    WarcIngest.Options o = IngestJob.options(d);
    assertEquals(WarcIngest.Extractor.MAIN_CONTENT, o.extractor());
    assertEquals(MainContent.Limits.DEFAULTS, o.extractLimits());
  }

  @Test
  void keysAreCheckedByName() {
    SparklmConfig c = SparklmConfig.load(null, List.of("ingest.extractor=visible_text", "ingest.format=jsonl", "ingest.text_field=content"));
    assertEquals(WarcIngest.Extractor.VISIBLE_TEXT, IngestJob.options(c.ingest()).extractor());
    assertEquals("jsonl", c.ingest().format());
    assertEquals("content", c.ingest().textField());
    assertEquals(WarcIngest.Extractor.MAIN_CONTENT_DOM,
        IngestJob.options(SparklmConfig.load(null, List.of("ingest.extractor=main_content_dom")).ingest()).extractor());
    assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("ingest.extractor=readability")));
    ConfigException e = assertThrows(ConfigException.class, () -> SparklmConfig.load(null, List.of("ingest.format=csv")));
    assertTrue(e.getMessage().contains("ingest.format"), e.getMessage());
  }
}
