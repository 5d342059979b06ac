package org.sparklm.udfs.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.testing.Corpus;
import org.sparklm.udfs.testing.DevCrawl;
import org.sparklm.udfs.text.Charsets;

/** {@link MainContentCases} on the one-pass extractor, its agreement with the DOM version, and hostile markup. */
class StreamingMainContentTest extends MainContentCases {
  @Override
  MainContent.Page extract(String html, String url, MainContent.Limits limits) {
    return StreamingMainContent.extract(html, url, limits);
  }

  @Override
  boolean hasChromeWord(String names) {
    char[] c = names.toCharArray();
    return StreamingMainContent.hasChromeWord(c, 0, c.length);
  }

  /** Pages where the two extractors differ, with where they part. */
  private static List<String> differences(List<String[]> pages) {
    List<String> out = new ArrayList<>();
    for (String[] p : pages) {
      MainContent.Page dom = MainContent.extract(p[1], p[0]);
      MainContent.Page one = StreamingMainContent.extract(p[1], p[0]);
      if (!dom.equals(one)) {
        String a = dom.text();
        String b = one.text();
        int i = 0;
        while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
          i++;
        }
        out.add(p[0] + (dom.title().equals(one.title()) ? "" : " title [" + dom.title() + "] vs [" + one.title() + "]")
            + " text " + a.length() + " vs " + b.length() + " chars, first difference at " + i + ": ["
            + a.substring(i, Math.min(a.length(), i + 60)) + "] vs [" + b.substring(i, Math.min(b.length(), i + 60)) + "]");
      }
    }
    return out;
  }

  /** Every page of the dev crawl and of the multilingual set: the same title and text, byte for byte. */
  @Test
  void sameOutputAsTheDomVersionOnEveryRealPage() throws Exception {
    List<String[]> pages = new ArrayList<>();
    for (DevCrawl.Page p : DevCrawl.pages()) {
      pages.add(new String[] {p.url(), p.html()});
    }
    for (Path f : Corpus.files(Corpus.repoRoot().resolve("data/multilingual"), "*.html")) {
      pages.add(new String[] {f.toString(), Files.readString(f)});
    }
    assertTrue(pages.size() > 100, "pages: " + pages.size());
    List<String> diff = differences(pages);
    diff.forEach(System.out::println);
    assertEquals(List.of(), diff);
  }

  /**
   * Broken markup (the real pages cut, with tags and bytes inserted, deleted and upper-cased at
   * random): never an exception but the size/time limit, and the output still the DOM version's
   * for the great majority; where it is not, the difference comes from the tree-building rules
   * the class comment lists, so it is bounded by the share of pages, not asserted per page.
   */
  @Test
  void brokenMarkupNeverThrowsAndMostlyMatchesTheDomVersion() {
    List<DevCrawl.Page> real = DevCrawl.pages();
    String[] frags = {"<p>", "</p>", "<div>", "</div>", "<a href=x>", "</a>", "<li>", "</li>", "<ul>", "</ul>", "<table>",
        "<td>", "<tr>", "</table>", "<b>", "</b>", "<pre>", "</pre>", "<!--", "-->", "<script>", "</script>", "<nav>",
        "</nav>", "<main>", "</main>", "<article>", "</article>", "&amp;", "&#x27;", "&nbsp;", "&#xFFFFFFFF;", "<", ">",
        "\"", "'", "<h2>", "</h2>", "<svg/>", "<br/>", "</br>", "<title>", "<plaintext>", "<![CDATA[", "]]>", "<?x", "</",
        "<select>", "<option>", "<form>", "<header>", "<footer>", "<a>¶</a>", "<DIV CLASS=nav>", "<span>", "</span>",
        "<dd>", "<dt>", "<textarea>", "<xmp>", "<noscript>"};
    Random r = new Random(3);
    int n = 300;
    List<String[]> pages = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      StringBuilder sb = new StringBuilder(real.get(r.nextInt(real.size())).html());
      for (int m = 1 + r.nextInt(6); m > 0; m--) {
        int pos = r.nextInt(sb.length() + 1);
        switch (r.nextInt(4)) {
          case 0 -> sb.insert(pos, frags[r.nextInt(frags.length)]);
          case 1 -> sb.delete(pos, Math.min(sb.length(), pos + r.nextInt(40)));
          case 2 -> sb.setLength(Math.max(pos, sb.length() / 2));
          default -> sb.replace(pos, Math.min(sb.length(), pos + 200), sb.substring(pos, Math.min(sb.length(), pos + 200)).toUpperCase());
        }
      }
      pages.add(new String[] {"mutant " + k, sb.toString()});
    }
    List<String> diff = differences(pages); // throws if either extractor does
    diff.forEach(System.out::println);
    assertTrue(diff.size() <= n * 5 / 100, diff.size() + " of " + n + " broken pages differ");
  }

  @Test
  void unclosedTagsAreClosedByTheTreeRules() {
    String html = "<body><p>one<p>two<div>three<ul><li>a<li>b</ul><dl><dt>t<dd>d</dl><table><tr><td>c1<td>c2<tr><td>c3</table>four";
    assertEquals("one\n\ntwo\n\nthree\na\nb\nt\nd\nc1\nc2\nc3\nfour", text(html));
    assertEquals(MainContent.text(html), text(html));
    assertEquals("text", text("<div><span><b>text"));
  }

  /** An {@code <a>} closed by a block's end is reopened around the text after it (jsoup's active formatting elements). */
  @Test
  void anUnclosedLinkCarriesOnAsLinkTextLikeJsoup() {
    for (String html : List.of(
        "<ul><li><a href=1>x</li>\n<li>y</li></ul>z",
        "<div><p><a href=x>link</p><p>para one two three four five</p><div>d</div><a href=2>q</a><a href=3>r</a></div>",
        "<div><p><a href=x>link</p>t</a>uuuuuuuuuuuuuuuuuuuuuuu <a href=2>a</a><a href=3>b</a></div>",
        "<nav><a class=q href=1>x</nav><div>after after after after <a href=1>a</a><a href=1>a</a><a href=1>a</a></div>",
        "<div><table><tr><td><a href=1>in</td><td>next next next next next</td></tr></table>after <a href=1>a</a><a href=1>a</a></div>",
        "<ul><li><a class=nav-x href=1>a <article>b</a></li></ul><p>the page text goes on here</p>")) {
      assertEquals(MainContent.text(html), text(html), html);
    }
    // the farm exists only because "para one two..." became link text
    assertEquals("", text("<div><p><a href=x>link</p><p>para one two three four five</p><div>d</div><a href=2>q</a><a href=3>r</a></div>"));
  }

  /** Inside a {@code <select>} only options go in; an unclosed one swallows the page, as in jsoup. */
  @Test
  void selectKeepsItsOwnRules() {
    for (String html : List.of("<p>a<select><option>x<div>y</div><p>z</select>b</p>", "<div>a<select><option>x</div><p>never</p>",
        "<div>a<select><option>x<input>b</div>c", "<select><optgroup><option>1<optgroup><option>2</optgroup></select>after",
        "<p>q<select>o</p></select>r")) {
      assertEquals(MainContent.text(html), text(html), html);
    }
    assertEquals("a", text("<div>a<select><option>x</div><p>never</p>"));
  }

  @Test
  void permalinksAreOnlyTheMarks() {
    for (String html : List.of("<h2>Title<a href=#t>¶</a></h2><p>See <a href=#x> link </a>.</p>",
        "<p>See <a href=#x>link" + " ".repeat(100) + "x</a> here</p>", "<p>a <a href=#x>&para;</a> b <a href=#y><b>#</b></a> c</p>",
        "<ul><li><a href=1>#</a><li><a href=2>one</a><li><a href=3>two</a><li><a href=4>three</a></ul><p>text</p>")) {
      assertEquals(MainContent.text(html), text(html), html);
    }
    assertEquals("Title\n\nSee .", text("<h2>Title<a href=#t>¶</a></h2><p>See <a href=#x> link </a>.</p>"));
  }

  @Test
  void deepNestingIsBoundedNotARecursionOrAQuadraticWalk() {
    int n = 100_000;
    String closed = "<div>".repeat(n) + "deep text" + "</div>".repeat(n) + "<p>after</p>";
    assertEquals("deep text\n\nafter", text(closed));
    assertEquals("deep text", text("<div>".repeat(n) + "deep text"));
    assertEquals("deep text", text("<span><a href=x>".repeat(n) + "deep text"));
    String mixed = "<ul><li>".repeat(n) + "x";
    assertEquals("x", text(mixed));
  }

  /**
   * Inputs that make a naive pass quadratic (each unclosed raw-text element searching to the end
   * for its end tag, end tags walking a deep stack): all well inside the default CPU limit, which
   * each of them would hit by far if they were quadratic (~50-100 ms each here when linear).
   */
  @Test
  void repeatedUnclosedElementsStayLinear() {
    int k = 100_000;
    for (String html : List.of("<textarea>a".repeat(k), "<p><title>t".repeat(k), "<noscript>n".repeat(k), "<script>".repeat(k),
        "<span>".repeat(2000) + "</x>".repeat(k), "<a href=1><div>".repeat(k), "<table><td>".repeat(k), "<dd><dt>".repeat(k),
        "&notanentity".repeat(k), "<article>x</article>".repeat(k), "<div><a href=1>a</a><a href=2>b</a><a href=3>c</a><article>x</article></div>".repeat(k / 4))) {
      StreamingMainContent.extract(html, "");
    }
    assertEquals(MainContent.text("<p><title>t".repeat(3)), text("<p><title>t".repeat(3)));
  }

  @Test
  void unterminatedCommentScriptAndQuoteSwallowTheRest() {
    assertEquals("before", text("<p>before</p><!-- never closed <p>after</p>"));
    assertEquals("before", text("<p>before</p><script>var s = \"<p>after</p>\";"));
    assertEquals("before", text("<p>before</p><style>p { color: red } <p>after</p>"));
    assertEquals("kept", text("<p>kept</p><a href=\"x>lost</a><p>lost too</p>"));
    assertEquals("a b", text("<p>a <!-- c --> b</p>"));
    assertEquals("a\n\nb", text("<p>a</p><!--><p>b</p>"));
    assertEquals("a b", text("<p>a <![CDATA[b]]></p>"));
    assertEquals("a", text("<p>a</p><?php echo 1; ?>"));
    for (String html : List.of("<p>before</p><!-- never closed <p>after</p>", "<p>before</p><script>var s = \"<p>after</p>\";",
        "<p>kept</p><a href=\"x>lost</a><p>lost too</p>", "<p>a <![CDATA[b]]></p>", "<title>t<p>x</p>", "<p>a<textarea>b<p>c")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
  }

  @Test
  void plaintextIsTheRestOfThePageAsItIs() {
    String html = "<p>a</p><plaintext><b>raw</b> &amp; </plaintext> more";
    assertEquals("a\n\n<b>raw</b> &amp; </plaintext> more", text(html));
    assertEquals(MainContent.text(html), text(html));
  }

  @Test
  void characterReferencesAreDecodedLikeJsoup() {
    String html = "<p>Tom &amp; Jerry&#x27;s &nbsp;caf&eacute; &#xFFFFFFFF; &copy 2024 &notanentity; &#128512; &#150; &#0; &amp &ampx &#x; &</p>";
    assertEquals(MainContent.text(html), text(html));
    assertEquals("Tom & Jerry's café \uFFFD © 2024 ¬anentity; 😀 – \u0000 & &x &#x; &", text(html));
    for (String s : List.of("&amp;", "&AMP;", "&lt;&gt;", "&#60;&#x3c;&#X3C;", "&#x110000;", "&#128;&#159;",
        "&frac12;&frac12", "&notin;&notin", "&not", "&hellip;", "&NotANamedOne;", "a&b", "&#", "&#;", "&#99999999999999999999;",
        "&zwnj;&zwj;", "&ThickSpace;", "&nbsp")) {
      StringBuilder sb = new StringBuilder();
      StreamingMainContent.unescape(s.toCharArray(), 0, s.length(), sb);
      assertEquals(Parser.unescapeEntities(s, false), sb.toString(), s);
    }
    // on purpose unlike jsoup, which keeps a lone surrogate that no UTF-8 writer can encode
    StringBuilder sb = new StringBuilder();
    StreamingMainContent.unescape("&#xD800;&#57343;".toCharArray(), 0, 16, sb);
    assertEquals("\uFFFD\uFFFD", sb.toString());
  }

  @Test
  void uppercaseTagsAndAttributes() {
    String html = "<HTML><HEAD><TITLE>Big &AMP; Loud</TITLE></HEAD><BODY><NAV>menu</NAV><DIV ID=Sidebar>side</DIV>"
        + "<P CLASS=Intro>Text<BR>more</P><SCRIPT>x()</SCRIPT><A HREF='#x'>¶</A><FOOTER>foot</FOOTER></BODY></HTML>";
    MainContent.Page page = StreamingMainContent.extract(html, "");
    assertEquals("Big & Loud", page.title());
    assertEquals("Text\nmore", page.text());
    assertEquals(MainContent.extract(html, ""), page);
  }

  @Test
  void aWindows1252PageAlreadyDecoded() {
    byte[] bytes = "<html><head><title>Caf\u00e9 \u2013 menu</title></head><body><nav>Home</nav><main><p>\u201cCr\u00e8me br\u00fbl\u00e9e\u201d costs \u20ac5 \u2014 na\u00efve.</p></main></body></html>"
        .getBytes(Charset.forName("windows-1252"));
    Charsets.Decoded d = Charsets.decode(bytes, "windows-1252");
    MainContent.Page page = StreamingMainContent.extract(d.text(), "");
    assertEquals("Caf\u00e9 \u2013 menu", page.title());
    assertEquals("\u201cCr\u00e8me br\u00fbl\u00e9e\u201d costs \u20ac5 \u2014 na\u00efve.", page.text());
    assertEquals(MainContent.extract(d.text(), ""), page);
  }

  @Test
  void contentRootAndFarmsAroundIt() {
    // a link farm wrapping the only <main>: the DOM version starts from <main> and never judges the wrapper
    String wrapped = "<body><p>intro words here</p><div><a href=1>one</a> <a href=2>two</a> <a href=3>three</a>"
        + "<main><p>main <a href=4>four</a> <a href=5>five</a></p></main></div></body>";
    assertEquals(MainContent.text(wrapped), text(wrapped));
    // an empty <main>: the only article is the root; a farm inside it is judged
    String article = "<body><main> </main><p>outside</p><article><h1>Title</h1><p>Body text of the article.</p>"
        + "<div><a href=1>x</a> <a href=2>y</a> <a href=3>z</a></div></article></body>";
    assertEquals("Title\n\nBody text of the article.", text(article));
    assertEquals(MainContent.text(article), text(article));
    // two articles: the body is the root, and a farm holding one of them is cut (a second pass)
    String two = "<body><article><p>first article text</p></article><div><a href=1>aaaaaaaaaaaaaaaaaaaa</a> <a href=2>b</a>"
        + " <a href=3>c</a><article><p>x</p></article></div><p>end</p></body>";
    assertEquals(MainContent.text(two), text(two));
    assertEquals("first article text\n\nend", text(two));
    // role=main on an inline element, text right before it
    String inline = "<body><p>before<span role=main> the main text</span></p></body>";
    assertEquals(MainContent.text(inline), text(inline));
    assertEquals("", text(""));
    assertNull(StreamingMainContent.text(null));
  }

  /** A {@code <template>} in the head keeps its content there: none of it opens the body or is rendered. */
  @Test
  void aTemplateInTheHeadStaysOutOfTheBody() {
    for (String html : List.of("<html><head><title>T</title><template id=x><div>tpl</div></template></head><body><p>y</p></body></html>",
        "<head><template><p>x</p><template><p>inner</p></template><p>x2</p></template></head><p>y</p>",
        "<head><title>T</title></head><template><p>x</p></template><body><p>y</p>",
        "<head><template><title>In template</title></template><title>T</title></head><p>y</p>",
        "<body><template><p>x</p></template><p>y</p>")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
    assertEquals("y", text("<head><template><p>x</p></template></head><p>y</p>"));
  }

  /** xmp, noembed and noframes hold raw text, which jsoup keeps as data (like a script's), not text; a title in the body is text. */
  @Test
  void rawTextElementsInTheBodyAreNotText() {
    for (String html : List.of("<p>a</p><xmp><b>x</b></xmp><p>z</p>", "<noembed>n</noembed><p>y</p>", "<p>a</p><noframes>f</noframes>",
        "<p>a</p><title>t &amp; u</title><p>z</p>", "<main><noembed>only</noembed></main><p>y</p>")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
    assertEquals("a\n\nz", text("<p>a</p><xmp><b>x</b></xmp><p>z</p>"));
  }

  /** jsoup parses with scripting off: a noscript in the body holds elements, so it ends by the tree rules, not at the first {@code </noscript>}. */
  @Test
  void aNoscriptInTheBodyHoldsElements() {
    for (String html : List.of("<p>a</p><noscript><p>b</p><p>c</p>", "<p>a</p><noscript><!-- </noscript> --><p>b</p></noscript><p>c</p>",
        "<body><noscript><noscript></noscript>X</noscript><p>y</p>", "<head><noscript><link rel=x></noscript></head><p>y",
        "<p>a</p><noscript><iframe src=\"gtm\" style=\"display:none\"></iframe></noscript><p>b</p>")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
    assertEquals("a", text("<p>a</p><noscript><p>b</p><p>c</p>"));
  }

  /** A form directly in a table is emptied at once (the rows stay outside it); a misnested {@code </form>} only takes the form off the stack. */
  @Test
  void formsInTablesAndMisnestedFormEndsFollowTheTreeBuilder() {
    for (String html : List.of("<table><form action=x><tr><td>cell</td></tr></form></table><p>after</p>",
        "<table><tbody><form><tr><td>c</td></tr></tbody></table>", "<table><tr><form><td>c</td></form></tr></table>",
        "<div><form><div>x</form>y</div>z", "<form><div>in form</form><p>after form</p></div><p>more</p>",
        "<form><p>x</form>y", "<form><div><p>x</form>y</div>z", "<form><table><tr><td>c</td></tr></table></form>p",
        "<p>a<form>b</p>c</form>d")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
    assertEquals("cell\n\nafter", text("<table><form action=x><tr><td>cell</td></tr></form></table><p>after</p>"));
    assertEquals("z", text("<div><form><div>x</form>y</div>z"));
  }

  /** An inline role=main in a {@code <pre>} ending with spaces: its parent's newline drops them after the root's end was taken. */
  @Test
  void anInlineRootEndingInSpacesInsideAPre() {
    assertEquals("text", text("<pre><span role=main>text   </span></pre>"));
    assertEquals("\t#  spaced", text("<pre><span class=post role=main>\t#  spaced   "));
  }

  /**
   * Stray end tags under ~1,000 open elements, each of which walked the whole (capped) stack: 4 MB
   * of them took ~1-2 s of CPU, now ~30 ms, as an end tag with no element of its name open is
   * ignored at once, and one whose element is out of scope repeats the last scan's answer while
   * the stack below that scan's stop is unchanged. The limit here (500 ms) is what the walk would
   * hit, not a timing.
   */
  @Test
  void strayEndTagsDoNotWalkTheStack() {
    MainContent.Limits limits = new MainContent.Limits(8L << 20, 500);
    int k = 4 << 20;
    for (String html : List.of("<span>".repeat(1100) + "</bar>".repeat(k / 6), "<abcdefghij>".repeat(1100) + "</abcdefghik>".repeat(k / 13),
        "<b>".repeat(1100) + "</i>".repeat(k / 4), "<span>".repeat(1100) + "</h1>".repeat(k / 5), "<span>".repeat(1100) + "</a>".repeat(k / 4))) {
      StreamingMainContent.extract(html, "", limits);
    }
    // the element is open, but below a boundary (div, table) with ~1,000 elements above it: the first scan's answer is kept
    for (String html : List.of("<bar><div>" + "<span>".repeat(1100) + "</bar>".repeat(k / 6),
        "<b><table>" + "<span>".repeat(1100) + "</b>".repeat(k / 4), "<li><table>" + "<span>".repeat(1100) + "</li>".repeat(k / 5),
        "<bar><div>" + "<span>".repeat(1100) + "</bar><i></i>".repeat(k / 13))) {
      StreamingMainContent.extract(html, "", limits);
    }
    for (String html : List.of("<p><span>a<bar>b<div>c</bar>d</div>e</bar>f</span></p><x-y>g</X-Y>h</x-y>",
        "<bar><div>a</bar>b</bar><bar>c</bar>d</div>e</bar>f", "<b><table><tr><td>a</b>b</b></td></tr></table>c</b>d",
        "<ul><li>a<table><tr><td>b</li>c</li><li>d</td></tr></table>e</li>f</ul>")) {
      assertEquals(MainContent.extract(html, ""), StreamingMainContent.extract(html, ""), html);
    }
  }

  @Test
  void sizeLimitMessageIsTheDomVersions() {
    String big = "<p>" + "word ".repeat(1000) + "</p>";
    MainContent.LimitException a = assertThrows(MainContent.LimitException.class,
        () -> MainContent.extract(big, "", new MainContent.Limits(1000, 1000)));
    MainContent.LimitException b = assertThrows(MainContent.LimitException.class,
        () -> StreamingMainContent.extract(big, "", new MainContent.Limits(1000, 1000)));
    assertEquals(a.getMessage(), b.getMessage());
    String deep = "<div>".repeat(20_000) + "x";
    MainContent.LimitException t = assertThrows(MainContent.LimitException.class,
        () -> StreamingMainContent.extract(deep, "", new MainContent.Limits(1 << 20, 0)));
    assertEquals("extraction took over its time limit", t.getMessage());
  }
}
