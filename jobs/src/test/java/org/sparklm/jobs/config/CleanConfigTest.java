package org.sparklm.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklm.model.config.ConfigException;
import org.sparklm.udfs.lang.LanguageId;
import org.sparklm.udfs.quality.C4Rules;
import org.sparklm.udfs.quality.FineWebRules;
import org.sparklm.udfs.quality.GopherQuality;
import org.sparklm.udfs.quality.GopherRepetition;

class CleanConfigTest {
  @Test
  void defaultsArePinned() {
    CleanConfig d = CleanConfig.DEFAULTS;
    assertEquals(List.of(), d.input());
    assertEquals("work/clean", d.output());
    assertEquals(2_000_000, d.maxTextChars());
    assertEquals(new CleanConfig.UrlFilter(true, ""), d.urlBlocklist());
    assertEquals(new CleanConfig.LanguageFilter(true, List.of("en"), 0.0, LanguageId.Settings.DEFAULTS), d.language());
    assertEquals(GopherRepetition.Settings.DEFAULTS, d.gopherRepetition());
    assertEquals(GopherQuality.Settings.DEFAULTS, d.gopherQuality());
    assertEquals(C4Rules.Settings.DEFAULTS, d.c4());
    assertEquals(FineWebRules.Settings.DEFAULTS, d.fineweb());
    assertTrue(d.redactPii());
  }

  @Test
  void everyThresholdIsAKey() {
    SparklmConfig c = SparklmConfig.load(null, List.of("clean.gopher_quality.min_doc_words=20",
        "clean.gopher_repetition.dup_ngram_fracs=[0.2,0.2,0.2,0.2,0.2,0.2]", "clean.c4.min_words_per_line=3",
        "clean.fineweb.line_punct_thr=0.5", "clean.language.keep=[en,de]", "clean.language.detector.max_chars=300",
        "clean.url_blocklist.file=/tmp/list.txt"));
    assertEquals(20, c.clean().gopherQuality().minDocWords());
    assertEquals(0.2, c.clean().gopherRepetition().dupNGramFracs().get(5));
    assertEquals(3, c.clean().c4().minWordsPerLine());
    assertEquals(0.5, c.clean().fineweb().linePunctThr());
    assertEquals(List.of("en", "de"), c.clean().language().keep());
    assertEquals(300, c.clean().language().detector().maxChars());
    assertEquals("/tmp/list.txt", c.clean().urlBlocklist().file());
    ConfigException e = assertThrows(ConfigException.class,
        () -> SparklmConfig.load(null, List.of("clean.fineweb.short_line_thr=2")));
    assertTrue(e.getMessage().contains("clean.fineweb.short_line_thr"), e.getMessage());
  }
}
