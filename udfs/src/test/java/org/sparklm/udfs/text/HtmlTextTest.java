package org.sparklm.udfs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
  @Test
  void blocksBecomeLinesInvisibleElementsGo() {
    String html = "<html><head><title>T</title><style>p{}</style></head><body>"
        + "<script>var x = 1;</script><h1>Title  here</h1><p>First <b>bold</b>\n para.</p>"
        + "<ul><li>one</li><li>two</li></ul><noscript>enable js</noscript><div>last</div></body></html>";
    HtmlText.Page p = HtmlText.extract(html, "http://x/");
    assertEquals("T", p.title());
    assertEquals("Title here\nFirst bold para.\none\ntwo\nlast", p.text());
  }

  @Test
  void preKeepsItsLinesAndIndentation() {
    String html = "<body><p>Code:</p><pre>def f():\n    return 1\n</pre><p>after</p></body>";
    assertEquals("Code:\ndef f():\n    return 1\nafter", HtmlText.visibleText(html));
  }

  @Test
  void nullStaysNull() {
    assertEquals(null, HtmlText.visibleText((String) null));
  }
}
