package org.sparklm.udfs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TextKeyTest {
  @Test
  void normalizationFoldsWidthCaseAndWhitespace() {
    assertEquals("full-width text", TextKey.normalize("  ＦＵＬＬ-ｗｉｄｔｈ\t\r\n  Text \u00a0"));
    assertEquals("strasse", TextKey.normalize("STRAßE"));
    assertEquals("ﬁ".length() == 1 ? "fi" : "", TextKey.normalize("ﬁ")); // NFKC ligature
    assertNull(TextKey.normalize(null));
  }

  @Test
  void copiesThatDifferOnlyInNormalizationShareAHash() {
    String a = "The jury said Friday.\n\nIt was over.";
    String b = "THE  JURY said   friday.\r\nIt was over.  ";
    assertEquals(TextKey.hash(a), TextKey.hash(b));
    assertEquals(32, TextKey.hash(a).length());
  }

  @Test
  void oneChangedWordChangesTheHash() {
    assertNotEquals(TextKey.hash("the jury said friday"), TextKey.hash("the jury said monday"));
    assertNotEquals(TextKey.hash("a b"), TextKey.hash("ab"));
  }
}
