package org.sparklm.udfs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CharsetsTest {
  @Test
  void headerWinsOverMeta() {
    byte[] b = "<meta charset=utf-8><p>\u00e9</p>".getBytes(Charset.forName("windows-1252"));
    Charsets.Decoded d = Charsets.decode(b, "windows-1252");
    assertEquals("http", d.charsetSource());
    assertEquals("<meta charset=utf-8><p>\u00e9</p>", d.text());
  }

  @Test
  void metaHttpEquivIsFound() {
    byte[] b = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><p>\u65e5\u672c</p>".getBytes(Charset.forName("Shift_JIS"));
    Charsets.Decoded d = Charsets.decode(b, null);
    assertEquals("meta", d.charsetSource());
    assertEquals("Shift_JIS", d.charset().name());
    assertEquals(0, d.invalidBytes());
  }

  @Test
  void latin1LabelsMeanWindows1252AsInBrowsers() {
    assertEquals("windows-1252", Charsets.lookup("ISO-8859-1").name());
    assertNull(Charsets.lookup("no-such-charset"));
  }

  @Test
  void invalidBytesAreCountedAndReplaced() {
    byte[] b = {'a', (byte) 0xC3, '(', 'b', (byte) 0xFF};
    Charsets.Decoded d = Charsets.decodeAs(b, StandardCharsets.UTF_8, "default");
    assertEquals(2, d.invalidBytes());
    assertEquals("a\uFFFD(b\uFFFD", d.text());
  }

  @Test
  void aReplacementCharacterWrittenInThePageIsNotAnInvalidByte() {
    String page = "<p>caf\u00e9 \uFFFD \u4e2d\u6587 \uD83D\uDE00</p>";
    Charsets.Decoded valid = Charsets.decodeAs(page.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8, "http");
    assertEquals(page, valid.text());
    assertEquals(0, valid.invalidBytes());
    byte[] bad = (page + "\u00e9").getBytes(StandardCharsets.UTF_8);
    bad[bad.length - 1] = 'x'; // cut the last character's second byte
    Charsets.Decoded d = Charsets.decodeAs(bad, StandardCharsets.UTF_8, "http");
    assertEquals(1, d.invalidBytes());
    assertEquals(page + "\uFFFDx", d.text());
  }

  @Test
  void utf8BomIsStrippedAndWins() {
    byte[] b = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', (byte) 0xC3, (byte) 0xA9};
    Charsets.Decoded d = Charsets.decode(b, "windows-1252");
    assertEquals("bom", d.charsetSource());
    assertEquals("h\u00e9", d.text());
  }
}
