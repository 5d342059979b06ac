package org.sparklm.udfs.extract;

import org.jsoup.nodes.Entities;
import org.sparklm.udfs.text.HtmlText;

/**
 * {@link MainContent}'s rules and output computed in one left-to-right pass over the HTML string,
 * with an explicit stack of open elements and no DOM.
 *
 * <p>Why hand-written: on one core, a 31.6 MB gzip WARC of 2,370 pages (216 MB of HTML) reads and
 * gunzips in 0.42 s and decodes in 0.35 s, but jsoup's parse alone takes 3.2 s (67 MB/s) and
 * {@code MainContent.extract} 4.7 s, while issue 3's goal (25% of zcat per core) leaves ~6.6 s for
 * the whole ingest+clean pipeline. A tree builder cannot fit in that budget; this pass only
 * tokenizes, keeps a stack of small int frames and appends ranges of the input to one buffer.
 *
 * <p>How the rules map to one pass: chrome elements (the same tests as {@link MainContent#isChrome})
 * are skipped with their subtree as their start tag is read; a heading permalink ({@code <a>} with
 * no child element whose text is ¶, #, §...) is cut from the output when it closes; a link farm
 * block is judged when it closes (its counts include its children's, as in MainContent) and the
 * output is truncated back to the mark taken at its start; the first {@code <main>} /
 * {@code role=main} and the articles record their output range, and the content root's range is
 * the result. A farm that contains a candidate root cannot be cut before the root is known: it is
 * deferred, and in the rare case where that matters a second pass runs with the root known.
 *
 * <p>Tree rules it follows (jsoup's, which are HTML5's): tags and attribute names
 * case-insensitive, the first of duplicate attributes wins, void elements, raw-text elements
 * (script, style, title, textarea, xmp, iframe, noembed, noframes, noscript in the head,
 * plaintext) ended only by their own end tag (an unclosed title, textarea or noscript at the next
 * start tag, as jsoup does; only title and plaintext content is text), a noscript in the body
 * holding elements (jsoup parses with scripting off), a template in the head keeping its content
 * there, a form directly in a table emptied at once and a misnested {@code </form>} taking only
 * the form off the stack, comments (unterminated: to the end), doctype, CDATA as text, {@code <?...>}; implied
 * end tags (a block start closes {@code <p>}, li/dt/dd/option close their like, table cells and
 * rows close theirs, a heading closes a heading), {@code </p>} alone is an empty paragraph, an end
 * tag closes up to its element when it is in scope and is ignored otherwise, head elements before
 * the body stay out of it, and an {@code <a>} closed by another element's end is reopened around
 * the following text (jsoup's active formatting elements, for {@code <a>} only); inside a
 * {@code <select>} only options and scripts go in, other tags are ignored.
 *
 * <p>What it deliberately does not do: the adoption agency algorithm (an inline element closed
 * across a block is closed in place: the block stays where it is, no copy is made inside it), foster
 * parenting of text misplaced inside {@code <table>}, script-data escape states
 * ({@code <!--<script>} inside a script), "in select in table" and "in frameset", reopening
 * formatting elements other than {@code <a>}, quirks mode beyond a rough doctype test (in quirks
 * mode a {@code <table>} does not close an open {@code <p>}), and more than {@link #MAX_DEPTH}
 * open elements (deeper start tags are ignored, their text kept). On every page of the dev crawl,
 * the multilingual set and ~1,100 documentation pages of other generators (rustdoc, mdBook,
 * Sphinx, DocBook, gtk-doc, npm, Node.js) the output is byte-identical to MainContent's; on
 * randomly broken markup ~98% of pages are (StreamingMainContentTest).
 */
public final class StreamingMainContent {
  private StreamingMainContent() {}

  /** Open elements beyond this depth are not tracked (their start tags are ignored). */
  static final int MAX_DEPTH = 1024;

  public static MainContent.Page extract(String html, String baseUri) {
    return extract(html, baseUri, MainContent.Limits.DEFAULTS);
  }

  public static MainContent.Page extract(String html, String baseUri, MainContent.Limits limits) {
    if (html.length() > limits.maxChars()) {
      throw new MainContent.LimitException("page of " + html.length() + " characters is over the extraction limit of " + limits.maxChars());
    }
    long deadline = MainContent.cpuNanos() + limits.maxMillis() * 1_000_000L;
    char[] c = html.toCharArray();
    Pass p = new Pass(html, c, deadline, Pass.ROOT_UNKNOWN);
    p.run();
    int root;       // element number of the root, -1 for the body
    int start;
    int end;
    boolean inline;
    if (p.bodyMain) {
      root = -1;
      start = 0;
      end = p.out.length();
      inline = false;
    } else if (p.mainNo >= 0 && p.mainHasText) {
      root = p.mainNo;
      start = p.mainStart;
      end = p.mainEnd;
      inline = p.mainInline;
    } else if (p.articles == 1 && p.articleHasText) {
      root = p.articleNo;
      start = p.articleStart;
      end = p.articleEnd;
      inline = false;
    } else {
      root = -1;
      start = 0;
      end = p.out.length();
      inline = false;
    }
    if (p.deferredInside(root)) {
      p = new Pass(html, c, deadline, root);
      p.run();
      if (root >= 0) {
        start = p.rootStart;
        end = p.rootEnd;
      } else {
        start = 0;
        end = p.out.length();
      }
    }
    // an inline root's end is taken before its parent's closing newline, which can still drop
    // trailing spaces it ended with (several in a <pre>): they are past the end of the output
    end = Math.min(end, p.out.length());
    CharSequence text = p.out.subSequence(Math.min(start, end), end);
    if (inline && text.length() > 0 && text.charAt(0) == ' ') {
      text = text.subSequence(1, text.length()); // a fresh render starts without the space an inline root got from its left
    }
    return new MainContent.Page(p.title == null ? "" : p.title.strip(), HtmlText.tidy(text));
  }

  /** The {@code sparklm_main_text(html)} SQL function. */
  public static String text(String html) {
    return html == null ? null : extract(html, "").text();
  }

  // ---- tags -------------------------------------------------------------------------------

  static final int DROP = 1;
  static final int BLOCK = 1 << 1;
  static final int LINK_BLOCK = 1 << 2;
  static final int PARA = 1 << 3;          // a blank line before and after
  static final int HOC = 1 << 4;           // heading or code: the block is not a link farm
  static final int VOID = 1 << 5;
  static final int RAW = 1 << 6;           // raw text / RCDATA: ended only by its own end tag
  static final int CLOSES_P = 1 << 7;
  static final int SPECIAL = 1 << 8;
  static final int FORMATTING = 1 << 9;
  static final int SCOPE = 1 << 10;        // bounds the default scope
  static final int HEADING = 1 << 11;
  static final int TABLE_SCOPE = 1 << 12;  // bounds the table scope
  static final int HEAD_OK = 1 << 13;      // stays in <head>
  static final int TABLE_PART = 1 << 14;   // ignored outside a table
  static final int FOREIGN = 1 << 15;      // svg, math: self-closing tags inside are honoured
  static final int RECON = 1 << 16;        // special, but reopens an <a> closed by a block's end (as inline tags do)

  private static final int TABLE_SIZE = 1024;
  private static final char[][] TABLE_NAMES = new char[TABLE_SIZE][];
  private static final int[] TABLE_IDS = new int[TABLE_SIZE];
  private static final int[] PROPS = new int[160];
  private static final String[] NAMES = new String[160];
  private static int nextId = 1; // 0 is "unknown tag"

  private static int tag(String name, int props) {
    int id = nextId++;
    NAMES[id] = name;
    PROPS[id] = props;
    char[] n = name.toCharArray();
    int h = 0;
    for (char ch : n) {
      h = h * 31 + ch;
    }
    int slot = (h ^ (h >>> 7)) & (TABLE_SIZE - 1);
    while (TABLE_NAMES[slot] != null) {
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    TABLE_NAMES[slot] = n;
    TABLE_IDS[slot] = id;
    return id;
  }

  private static final int SP = SPECIAL;
  private static final int BL = BLOCK | SPECIAL | CLOSES_P;
  static final int HTML = tag("html", SP | SCOPE | TABLE_SCOPE);
  static final int HEAD = tag("head", DROP | SP);
  static final int BODY = tag("body", BLOCK | SP);
  static final int TITLE = tag("title", RAW | SP | HEAD_OK);
  static final int BASE = tag("base", VOID | SP | HEAD_OK);
  static final int LINK = tag("link", DROP | VOID | SP | HEAD_OK);
  static final int META = tag("meta", DROP | VOID | SP | HEAD_OK);
  static final int STYLE = tag("style", DROP | RAW | SP | HEAD_OK);
  static final int SCRIPT = tag("script", DROP | RAW | SP | HEAD_OK);
  static final int NOSCRIPT = tag("noscript", DROP | RAW | SP | HEAD_OK);
  static final int TEMPLATE = tag("template", DROP | SP | SCOPE | TABLE_SCOPE | HEAD_OK);
  static final int PLAINTEXT = tag("plaintext", SP | CLOSES_P);
  static final int P = tag("p", BL | LINK_BLOCK | PARA);
  static final int DIV = tag("div", BL | LINK_BLOCK);
  static final int BR = tag("br", BLOCK | VOID | SP | RECON);
  static final int LI = tag("li", BL);
  static final int DD = tag("dd", BL);
  static final int DT = tag("dt", BL);
  static final int DL = tag("dl", BL | LINK_BLOCK);
  static final int UL = tag("ul", BL | LINK_BLOCK);
  static final int OL = tag("ol", BL | LINK_BLOCK);
  static final int TABLE = tag("table", BLOCK | LINK_BLOCK | SP | SCOPE | TABLE_SCOPE);
  static final int TBODY = tag("tbody", BLOCK | SP | TABLE_PART);
  static final int THEAD = tag("thead", BLOCK | SP | TABLE_PART);
  static final int TFOOT = tag("tfoot", BLOCK | SP | TABLE_PART);
  static final int TR = tag("tr", BLOCK | SP | TABLE_PART);
  static final int TD = tag("td", BLOCK | LINK_BLOCK | SP | SCOPE | TABLE_PART);
  static final int TH = tag("th", BLOCK | SP | SCOPE | TABLE_PART);
  static final int CAPTION = tag("caption", BLOCK | SP | SCOPE | TABLE_PART);
  static final int COLGROUP = tag("colgroup", SP | TABLE_PART);
  static final int COL = tag("col", VOID | SP | TABLE_PART);
  static final int PRE = tag("pre", BL | PARA | HOC);
  static final int MAIN = tag("main", BL);
  static final int ARTICLE = tag("article", BL);
  static final int HEADER = tag("header", BL);
  static final int FOOTER = tag("footer", BL);
  static final int HR = tag("hr", BL | VOID);
  static final int FORM = tag("form", DROP | SP | CLOSES_P);
  static final int SELECT = tag("select", DROP | SP | RECON);
  static final int OPTION = tag("option", 0);
  static final int OPTGROUP = tag("optgroup", 0);
  static final int A = tag("a", FORMATTING);
  static final int SVG = tag("svg", DROP | FOREIGN);
  static final int MATH = tag("math", FOREIGN);
  static final int IMAGE = tag("image", 0);
  static final int IMG = tag("img", DROP | VOID | SP | RECON);
  static final int OBJECT = tag("object", DROP | SP | SCOPE | RECON);
  static final int TEXTAREA = tag("textarea", DROP | RAW | SP);

  static {
    for (int i = 1; i <= 6; i++) {
      tag("h" + i, BL | PARA | HOC | HEADING);
    }
    for (String t : new String[] {"blockquote"}) {
      tag(t, BL | PARA);
    }
    for (String t : new String[] {"section"}) {
      tag(t, BL | LINK_BLOCK);
    }
    for (String t : new String[] {"figure", "figcaption", "fieldset", "address", "details", "summary"}) {
      tag(t, BL);
    }
    for (String t : new String[] {"nav", "aside", "menu", "dialog"}) {
      tag(t, DROP | SP | CLOSES_P);
    }
    for (String t : new String[] {"center", "dir", "hgroup", "search", "listing"}) {
      tag(t, SP | CLOSES_P);
    }
    tag("xmp", RAW | SP | CLOSES_P | RECON);
    tag("iframe", DROP | RAW | SP);
    tag("noembed", RAW | SP);
    tag("noframes", RAW | SP | HEAD_OK);
    tag("button", DROP | SP | RECON);
    tag("input", DROP | VOID | SP | RECON);
    tag("embed", DROP | VOID | SP | RECON);
    for (String t : new String[] {"basefont", "bgsound"}) {
      tag(t, VOID | SP | HEAD_OK);
    }
    for (String t : new String[] {"area", "wbr", "keygen"}) {
      tag(t, VOID | SP | RECON);
    }
    for (String t : new String[] {"param", "source", "track", "frame"}) {
      tag(t, VOID | SP);
    }
    for (String t : new String[] {"picture", "video", "audio", "canvas", "map"}) {
      tag(t, DROP);
    }
    for (String t : new String[] {"applet", "marquee"}) {
      tag(t, SP | SCOPE | RECON);
    }
    tag("frameset", SP);
    for (String t : new String[] {"b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}) {
      tag(t, FORMATTING);
    }
  }

  /** The id of the lower-cased tag name {@code c[from, to)}, 0 when it is not one of ours. */
  static int tagId(char[] c, int from, int to) {
    int len = to - from;
    if (len > 10) {
      return 0;
    }
    int h = 0;
    for (int i = from; i < to; i++) {
      char ch = c[i];
      if (ch >= 'A' && ch <= 'Z') {
        ch += 32;
      } else if (ch > 127) {
        return 0;
      }
      h = h * 31 + ch;
    }
    int slot = (h ^ (h >>> 7)) & (TABLE_SIZE - 1);
    for (char[] n; (n = TABLE_NAMES[slot]) != null; slot = (slot + 1) & (TABLE_SIZE - 1)) {
      if (n.length == len && sameLower(c, from, n)) {
        return TABLE_IDS[slot];
      }
    }
    return 0;
  }

  private static boolean sameLower(char[] c, int from, char[] lower) {
    for (int k = 0; k < lower.length; k++) {
      char ch = c[from + k];
      if (ch >= 'A' && ch <= 'Z') {
        ch += 32;
      }
      if (ch != lower[k]) {
        return false;
      }
    }
    return true;
  }

  // ---- chrome words, roles --------------------------------------------------------------

  /** A set of lower-case ASCII words, looked up in a range of a char array without allocating. */
  static final class Words {
    private final char[][] slots;
    private final int mask;
    private final int maxLen;
    private final long[] firsts;    // per length, a bit per first letter a-z that some word has: most class words stop here

    Words(java.util.Collection<String> words) {
      int size = Integer.highestOneBit(Math.max(4, words.size() * 4) - 1) << 1;
      slots = new char[size][];
      mask = size - 1;
      int max = 0;
      for (String w : words) {
        max = Math.max(max, w.length());
      }
      firsts = new long[max + 1];
      for (String w : words) {
        char[] n = w.toCharArray();
        firsts[n.length] |= 1L << (n[0] & 63);
        int slot = hash(n, 0, n.length) & mask;
        while (slots[slot] != null) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = n;
      }
      maxLen = max;
    }

    private static int hash(char[] c, int from, int to) {
      int h = 0;
      for (int i = from; i < to; i++) {
        char ch = c[i];
        h = h * 31 + (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      }
      return h ^ (h >>> 16);
    }

    /** Whether {@code c[from, to)}, ASCII letters lower-cased, is one of the words. */
    boolean contains(char[] c, int from, int to) {
      int len = to - from;
      if (len > maxLen || len == 0) {
        return false;
      }
      char first = c[from];
      if (first >= 'A' && first <= 'Z') {
        first += 32;
      }
      if (first > 127 || (firsts[len] & (1L << (first & 63))) == 0) {
        return false;
      }
      for (int slot = hash(c, from, to) & mask; slots[slot] != null; slot = (slot + 1) & mask) {
        char[] w = slots[slot];
        if (w.length == len && sameLower(c, from, w)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final Words CHROME = new Words(MainContent.CHROME_WORDS);
  private static final Words ROLES = new Words(java.util.List.of(
      "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alert"));

  /** {@link MainContent#hasChromeWord} over {@code c[from, to)}, without allocating. */
  static boolean hasChromeWord(char[] c, int from, int to) {
    int start = -1;
    int prevStart = -1;
    for (int i = from; i <= to; i++) {
      char ch = i < to ? c[i] : ' ';
      boolean sep = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\u000B' || ch == '_' || ch == '-';
      if (!sep) {
        if (start < 0) {
          start = i;
        }
        continue;
      }
      if (start >= 0) {
        if (CHROME.contains(c, start, i) || prevStart >= 0 && CHROME.contains(c, prevStart, i)) {
          return true;
        }
        prevStart = ch == '-' ? start : -1;
        start = -1;
      } else {
        prevStart = -1;
      }
    }
    return false;
  }

  // ---- whitespace ---------------------------------------------------------------------------

  /** Whitespace as {@link HtmlText#appendCollapsed} sees it: {@code Character.isWhitespace} or no-break space. */
  static boolean isSpace(char ch) {
    if (ch <= ' ') {
      return ch == ' ' || ch >= '\t' && ch <= '\r' || ch >= '\u001C';
    }
    return ch >= 0x80 && (ch == '\u00A0' || Character.isWhitespace(ch));
  }

  /** jsoup's blank: only space, tab, LF, FF, CR. */
  private static boolean isJsoupBlank(char[] c, int from, int to) {
    for (int i = from; i < to; i++) {
      char ch = c[i];
      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\f' && ch != '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean isTagSpace(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r';
  }

  // ---- character references ---------------------------------------------------------------

  private static final char[] WIN1252 = {
      '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039',
      '\u0152', '\u008D', '\u017D', '\u008F', '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
      '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178'};

  /**
   * Appends {@code c[from, to)} to {@code sb} with character references decoded the way jsoup's
   * tokenizer does in text ({@code Parser.unescapeEntities(s, false)}): named references need
   * their ';' unless they are one of the legacy base names (also as the longest prefix of a longer
   * name, as in {@code &notin} without ';'), numeric ones map 0x80-0x9F through
   * windows-1252 and anything invalid to U+FFFD. Unlike jsoup, a surrogate (&#xD800;) is U+FFFD
   * too rather than a lone surrogate that no UTF-8 writer can encode.
   */
  static void unescape(char[] c, int from, int to, StringBuilder sb) {
    int i = from;
    while (i < to) {
      int amp = i;
      while (amp < to && c[amp] != '&') {
        amp++;
      }
      sb.append(c, i, amp - i);
      if (amp >= to) {
        return;
      }
      i = decodeRef(c, amp + 1, to, sb);
    }
  }

  /** Decodes the reference after '&' at {@code c[at]}; appends it (or the '&') and returns where to go on. */
  private static int decodeRef(char[] c, int at, int to, StringBuilder sb) {
    if (at < to && c[at] == '#') {
      int k = at + 1;
      boolean hex = k < to && (c[k] == 'x' || c[k] == 'X');
      if (hex) {
        k++;
      }
      int digits = k;
      long v = 0;
      while (k < to && (hex ? Character.digit(c[k], 16) >= 0 && c[k] < 128 : c[k] >= '0' && c[k] <= '9')) {
        if (v <= 0x10FFFF) {
          v = v * (hex ? 16 : 10) + Character.digit(c[k], hex ? 16 : 10);
        }
        k++;
      }
      if (k == digits) {
        sb.append('&');
        return at;
      }
      if (k < to && c[k] == ';') {
        k++;
      }
      if (v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF) {
        sb.append('\uFFFD');
      } else if (v >= 0x80 && v < 0x80 + WIN1252.length) {
        sb.append(WIN1252[(int) v - 0x80]);
      } else {
        sb.appendCodePoint((int) v);
      }
      return k;
    }
    int k = at;
    while (k < to && isAsciiLetter(c[k])) {
      k++;
    }
    while (k < to && c[k] >= '0' && c[k] <= '9') {
      k++;
    }
    if (k == at) {
      sb.append('&');
      return at;
    }
    String name = new String(c, at, k - at);
    boolean semicolon = k < to && c[k] == ';';
    if (Entities.isBaseNamedEntity(name) || semicolon && Entities.isNamedEntity(name)) {
      sb.append(Entities.getByName(name));
      return semicolon ? k + 1 : k;
    }
    for (int len = name.length() - 1; len >= 2; len--) { // the longest legacy name it starts with: &notin -> ¬in
      String prefix = name.substring(0, len);
      if (Entities.isBaseNamedEntity(prefix)) {
        sb.append(Entities.getByName(prefix));
        return at + len;
      }
    }
    sb.append('&');
    return at;
  }

  private static boolean isAsciiLetter(char ch) {
    return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z';
  }

  private static boolean contains(char[] c, int from, int to, char x) {
    for (int i = from; i < to; i++) {
      if (c[i] == x) {
        return true;
      }
    }
    return false;
  }

  // ---- the pass ----------------------------------------------------------------------------

  /** One left-to-right pass; {@code root} is the content root's element number when known. */
  static final class Pass {
    static final int ROOT_UNKNOWN = -2;

    final String html;              // the same characters: String.indexOf is vectorized
    final char[] c;
    final int n;
    final long deadline;
    final int rootNo;               // ROOT_UNKNOWN in the first pass, -1 for the body, else an element number
    final StringBuilder out;
    final StringBuilder scratch = new StringBuilder();
    String title;

    boolean inBody;
    int headTemplate;               // open <template> elements in the head: their content stays there
    boolean quirks = true;
    boolean sawElement;

    // the stack (index 0 is the body once the body is open)
    int depth;
    int[] tag = new int[64];
    int[] nameFrom = new int[64];   // the tag name in c, for unknown tags' end tags
    int[] nameTo = new int[64];
    int[] flags = new int[64];
    int[] no = new int[64];         // element number (start tags counted in order)
    int[] mark = new int[64];       // output length before the element's opening newline
    int[] stripped = new int[64];   // trailing spaces that newline removed at the mark
    int[] parentBlock = new int[64];
    int[] st = new int[64 * 4];     // link-block counts: text, links, link text, heading-or-code
    int[] aText = new int[64];      // permalink candidates: counted text, and how much of it was link text
    int[] aLinkText = new int[64];
    int[] aNonBlank = new int[64];
    StringBuilder aChars = new StringBuilder();

    static final int F_CHROME = 1;        // the root of a skipped subtree
    static final int F_LINK = 1 << 1;     // <a href>
    static final int F_CONTENT = 1 << 2;  // article, main, role="main": headers and footers inside are content
    static final int F_MAIN = 1 << 3;     // the main candidate
    static final int F_ARTICLE = 1 << 4;  // the first article
    static final int F_HAS_CAND = 1 << 5; // contains (or is) a candidate root
    static final int F_DEAD = 1 << 6;     // closed in place (misnested end tag); transparent
    static final int F_PERMA = 1 << 7;    // an <a> that may be a permalink (no child element so far)
    static final int F_ROOT = 1 << 8;     // the known content root (second pass)
    static final int F_IN_ROOT = 1 << 9;  // strictly inside the known root (second pass): blocks are judged
    static final int F_HREF = 1 << 10;    // an <a> with href (also inside chrome), for its reopened copy
    static final int F_OWN_CHROME = 1 << 11; // an <a> whose own attributes make it chrome, for its reopened copy
    static final int F_NO_REOPEN = 1 << 12;  // an <a> its end tag closed (left open in a skipped subtree): not reopened

    // An <a> closed by something other than </a> or another <a> (a block's end tag, </p>, </li>)
    // stays in the tree builder's list of active formatting elements: jsoup reopens a copy of it
    // before the next text or inline element, so that text is link text too.
    boolean pendingA;
    int pendingFlags;
    boolean closingA;               // an explicit </a> or <a> closes the open one: nothing to reopen

    int chrome = -1;                // index of the chrome frame being skipped, -1 when rendering
    int block = -1;                 // innermost open link block
    int inLink;
    int pre;
    int content;
    int foreign;
    int perma = -1;                 // the open permalink candidate
    int elements;                   // start tags pushed so far
    int nonBlank;                   // non-blank text nodes rendered so far
    int openP;
    int openA;
    int openTable;
    int openSelect;
    int openForm;
    int openLi;
    int openDdDt;
    int openHeading;
    int openCell;
    int sinceCheck;
    final int[] noEndFrom = filled(nextId, Integer.MAX_VALUE); // per raw-text tag: no end tag at or after this index
    int nextAmp = -1;               // no '&' in [ampFrom, nextAmp) (nextAmp n: none left)
    int ampFrom;

    /** Whether {@code c[from, to)} holds a '&': one vectorized indexOf per '&' of the page, as ranges are asked for in order. */
    private boolean hasAmp(int from, int to) {
      if (from < ampFrom) {
        return contains(c, from, to, '&'); // behind the cursor (an earlier attribute of the same tag)
      }
      if (nextAmp < from) {
        nextAmp = html.indexOf('&', from);
        if (nextAmp < 0) {
          nextAmp = n;
        }
      }
      ampFrom = from;
      return nextAmp < to;
    }

    // results
    boolean bodyMain;            // <body role=main>: the body is the content root
    int mainNo = -1;
    int mainStart;
    int mainEnd;
    boolean mainHasText;
    boolean mainInline;
    int articles;
    int articleNo = -1;
    int articleStart;
    int articleEnd;
    boolean articleHasText;
    int rootStart;
    int rootEnd;
    int[] deferred = new int[8];  // [element number, end element number) pairs of farms kept for now
    int deferredCount;

    int candStartNonBlank;        // nonBlank at the candidates' starts (main, article)
    int articleStartNonBlank;

    Pass(String html, char[] c, long deadline, int rootNo) {
      this.html = html;
      this.c = c;
      this.n = c.length;
      this.deadline = deadline;
      this.rootNo = rootNo;
      this.out = new StringBuilder(Math.max(16, c.length / 4));
    }

    /** True when a farm was deferred strictly inside the root element {@code root} (-1: the body). */
    boolean deferredInside(int root) {
      for (int k = 0; k < deferredCount; k++) {
        int dNo = deferred[2 * k];
        int dEnd = deferred[2 * k + 1];
        if (root < 0) {
          return true;
        }
        int rEnd = root == mainNo ? mainEndNo : articleEndNo;
        if (dNo > root && dEnd <= rEnd) {
          return true;
        }
      }
      return false;
    }

    int mainEndNo;
    int articleEndNo;

    void run() {
      int i = 0;
      while (i < n) {
        int lt = i;
        // a text run: up to the next '<' that starts markup
        while (true) {
          lt = html.indexOf('<', lt);
          if (lt < 0) {
            lt = n;
          }
          if (lt >= n || startsMarkup(lt)) {
            break;
          }
          lt++;
        }
        if (lt > i) {
          text(i, lt);
        }
        if (lt >= n) {
          break;
        }
        i = markup(lt);
      }
      while (depth > 0) {
        pop();
      }
    }

    private boolean startsMarkup(int lt) {
      if (lt + 1 >= n) {
        return false;
      }
      char d = c[lt + 1];
      if (isAsciiLetter(d) || d == '!' || d == '?') {
        return true;
      }
      return d == '/' && lt + 2 < n;
    }

    /** Handles the markup at {@code c[lt] == '<'}; returns the index after it. */
    private int markup(int lt) {
      if ((++sinceCheck & 1023) == 0) {
        MainContent.checkTime(deadline);
      }
      char d = c[lt + 1];
      if (d == '!') {
        if (lt + 3 < n && c[lt + 2] == '-' && c[lt + 3] == '-') {
          return commentEnd(lt + 4);
        }
        if (lt + 8 < n && regionEqualsIgnoreCase(lt + 2, "[CDATA[")) {
          int end = indexOf("]]>", lt + 9);
          int stop = end < 0 ? n : end;
          cdata(lt + 9, stop);
          return end < 0 ? n : end + 3;
        }
        if (lt + 8 < n && regionEqualsIgnoreCase(lt + 2, "DOCTYPE")) {
          int gt = indexOf('>', lt + 9);
          if (!sawElement) {
            quirks = quirksDoctype(lt + 9, gt < 0 ? n : gt);
          }
          return gt < 0 ? n : gt + 1;
        }
        int gt = indexOf('>', lt + 2);
        return gt < 0 ? n : gt + 1;
      }
      if (d == '?') {
        int gt = indexOf('>', lt + 2);
        return gt < 0 ? n : gt + 1;
      }
      if (d == '/') {
        char e = c[lt + 2];
        if (e == '>') {
          return lt + 3;
        }
        if (!isAsciiLetter(e)) {
          int gt = indexOf('>', lt + 2);
          return gt < 0 ? n : gt + 1;
        }
        int k = lt + 2;
        while (k < n && !isTagSpace(c[k]) && c[k] != '/' && c[k] != '>') {
          k++;
        }
        int nameEnd = k;
        int end = skipAttributes(k);
        if (end < 0) {
          return n;
        }
        endTag(tagId(c, lt + 2, nameEnd), lt + 2, nameEnd);
        return end;
      }
      return startTag(lt);
    }

    /** Roughly the HTML quirks-mode test: a doctype other than html, or an old public id without a system id. */
    private boolean quirksDoctype(int from, int to) {
      String d = new String(c, from, to - from).strip().toLowerCase(java.util.Locale.ROOT);
      if (!d.startsWith("html")) {
        return true;
      }
      if (!d.contains("public")) {
        return false;
      }
      if (d.contains("html 2") || d.contains("html 3") || d.contains("//ietf//") || d.contains("html 4.0//")) {
        return true;
      }
      long quotes = d.chars().filter(ch -> ch == '"' || ch == '\'').count();
      return (d.contains("transitional") || d.contains("frameset")) && quotes < 4 && d.contains("html 4.01");
    }

    private boolean regionEqualsIgnoreCase(int at, String s) {
      if (at + s.length() > n) {
        return false;
      }
      for (int k = 0; k < s.length(); k++) {
        char ch = c[at + k];
        char x = s.charAt(k);
        if (ch != x && Character.toUpperCase(ch) != x) {
          return false;
        }
      }
      return true;
    }

    private int indexOf(char x, int from) {
      return html.indexOf(x, from);
    }

    private int indexOf(String s, int from) {
      char first = s.charAt(0);
      for (int k = from; k <= n - s.length(); k++) {
        if (c[k] == first) {
          int m = 1;
          while (m < s.length() && c[k + m] == s.charAt(m)) {
            m++;
          }
          if (m == s.length()) {
            return k;
          }
        }
      }
      return -1;
    }

    /** After {@code <!--}: the index after the comment's end ({@code -->} or {@code --!>}), or the end of the input. */
    private int commentEnd(int from) {
      if (from < n && c[from] == '>') {
        return from + 1;                                    // <!-->
      }
      if (from + 1 < n && c[from] == '-' && c[from + 1] == '>') {
        return from + 2;                                    // <!--->
      }
      for (int k = from; k + 2 < n; k++) {
        if (c[k] == '-' && c[k + 1] == '-') {
          if (c[k + 2] == '>') {
            return k + 3;
          }
          if (c[k + 2] == '!' && k + 3 < n && c[k + 3] == '>') {
            return k + 4;
          }
        }
      }
      return n;
    }

    /** Skips a tag's attributes from {@code k}; the index after its '>', or -1 when the input ends first. */
    private int skipAttributes(int k) {
      while (k < n) {
        char ch = c[k];
        if (ch == '>') {
          return k + 1;
        }
        if (ch == '"' || ch == '\'') {
          // a quote starts a value only after '='; elsewhere it is part of a name, but skipping
          // to the closing quote is what the tokenizer does for values
          int q = k > 0 && valueFollowsEquals(k) ? indexOf(ch, k + 1) : k;
          if (q < 0) {
            return -1;
          }
          k = q + 1;
          continue;
        }
        k++;
      }
      return -1;
    }

    private boolean valueFollowsEquals(int k) {
      int b = k - 1;
      while (b >= 0 && isTagSpace(c[b])) {
        b--;
      }
      return b >= 0 && c[b] == '=';
    }

    // attributes of the current start tag
    int classFrom;
    int classTo;
    int idFrom;
    int idTo;
    int roleFrom;
    int roleTo;
    int styleFrom;
    int styleTo;
    boolean hidden;
    boolean ariaHidden;
    boolean href;
    boolean selfClosing;

    /** Reads the start tag at {@code c[lt]}; returns the index after it. */
    private int startTag(int lt) {
      int k = lt + 1;
      while (k < n && !isTagSpace(c[k]) && c[k] != '/' && c[k] != '>') {
        k++;
      }
      int nameFrom = lt + 1;
      int nameTo = k;
      int id = tagId(c, nameFrom, nameTo);
      if (id == IMAGE) {
        id = IMG;
      }
      resetAttributes();
      // attributes
      while (true) {
        while (k < n && (isTagSpace(c[k]) || c[k] == '/')) {
          selfClosing = c[k] == '/' && k + 1 < n && c[k + 1] == '>';
          k++;
        }
        if (k >= n) {
          return n; // the input ends inside the tag: the tag is dropped
        }
        if (c[k] == '>') {
          k++;
          break;
        }
        selfClosing = false;
        int an = k;
        k++; // the first character belongs to the name, even '='
        while (k < n && !isTagSpace(c[k]) && c[k] != '/' && c[k] != '>' && c[k] != '=') {
          k++;
        }
        int ae = k;
        while (k < n && isTagSpace(c[k])) {
          k++;
        }
        int vf = -1;
        int vt = -1;
        if (k < n && c[k] == '=') {
          k++;
          while (k < n && isTagSpace(c[k])) {
            k++;
          }
          if (k >= n) {
            return n;
          }
          char q = c[k];
          if (q == '"' || q == '\'') {
            int e = indexOf(q, k + 1);
            if (e < 0) {
              return n; // an unclosed quote runs to the end of the input, and the tag is dropped
            }
            vf = k + 1;
            vt = e;
            k = e + 1;
          } else if (q == '>') {
            vf = vt = k;
          } else {
            vf = k;
            while (k < n && !isTagSpace(c[k]) && c[k] != '>') {
              k++;
            }
            vt = k;
          }
        }
        attribute(an, ae, vf, vt);
      }
      startElement(id, nameFrom, nameTo);
      if (id != 0 && (PROPS[id] & RAW) != 0 && !(id == NOSCRIPT && inBody)) {
        // (a noscript in the body holds elements, as in jsoup, which parses with scripting off)
        return rawText(id, nameFrom, nameTo, k);
      }
      if (id == PLAINTEXT) {
        if (k < n && chrome < 0 && inBody) {
          textNode(c, k, n); // the rest of the input, as it is: no markup, no references
        }
        return n;
      }
      if (id == PRE && k < n && c[k] == '\n') {
        return k + 1; // the tree builder drops a newline right after <pre>
      }
      return k;
    }

    private void attribute(int an, int ae, int vf, int vt) {
      int len = ae - an;
      switch (len) {
        case 2 -> {
          if (idFrom < 0 && nameIs(an, "id")) {
            idFrom = vf < 0 ? 0 : vf;
            idTo = vf < 0 ? 0 : vt;
          }
        }
        case 4 -> {
          if (!href && nameIs(an, "href")) {
            href = true;
          } else if (roleFrom < 0 && nameIs(an, "role")) {
            roleFrom = vf < 0 ? 0 : vf;
            roleTo = vf < 0 ? 0 : vt;
          }
        }
        case 5 -> {
          if (classFrom < 0 && nameIs(an, "class")) {
            classFrom = vf < 0 ? 0 : vf;
            classTo = vf < 0 ? 0 : vt;
          } else if (styleFrom < 0 && nameIs(an, "style")) {
            styleFrom = vf < 0 ? 0 : vf;
            styleTo = vf < 0 ? 0 : vt;
          }
        }
        case 6 -> {
          if (!hidden && nameIs(an, "hidden")) {
            hidden = true;
          }
        }
        case 11 -> {
          if (nameIs(an, "aria-hidden") && !seenAriaHidden) {
            seenAriaHidden = true;
            ariaHidden = vf >= 0 && valueIs(vf, vt, "true");
          }
        }
        default -> { }
      }
    }

    boolean seenAriaHidden;

    private void resetAttributes() {
      classFrom = idFrom = roleFrom = styleFrom = -1;
      classTo = idTo = roleTo = styleTo = -1;
      hidden = ariaHidden = href = selfClosing = seenAriaHidden = false;
    }

    private boolean nameIs(int at, String name) {
      for (int k = 0; k < name.length(); k++) {
        char ch = c[at + k];
        if (ch >= 'A' && ch <= 'Z') {
          ch += 32;
        }
        if (ch != name.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /** The attribute value {@code c[vf, vt)} with references decoded equals {@code s} exactly. */
    private boolean valueIs(int vf, int vt, String s) {
      return value(vf, vt).equals(s);
    }

    private String value(int vf, int vt) {
      if (vf < 0) {
        return "";
      }
      if (!hasAmp(vf, vt)) {
        return new String(c, vf, vt - vf);
      }
      return org.jsoup.parser.Parser.unescapeEntities(new String(c, vf, vt - vf), true);
    }

    private boolean chromeValue(int vf, int vt) {
      if (vf < 0 || vt <= vf) {
        return false;
      }
      if (!hasAmp(vf, vt)) {
        return hasChromeWord(c, vf, vt);
      }
      char[] v = value(vf, vt).toCharArray();
      return hasChromeWord(v, 0, v.length);
    }

    /** Consumes a raw-text element's content up to its own end tag; returns the index after that. */
    private int rawText(int id, int nameFrom, int nameTo, int from) {
      int nameLen = nameTo - nameFrom;
      int k = from;
      int end = n;
      int after = n;
      while (from < noEndFrom[id]) {
        int lt = indexOf('<', k);
        if (lt < 0) {
          noEndFrom[id] = from; // no end tag after here: later ones need not look again (no quadratic scans)
          break;
        }
        if (lt + 2 + nameLen <= n && c[lt + 1] == '/' && regionMatchesName(lt + 2, nameFrom, nameLen)
            && (lt + 2 + nameLen == n || isTagSpace(c[lt + 2 + nameLen]) || c[lt + 2 + nameLen] == '/' || c[lt + 2 + nameLen] == '>')) {
          end = lt;
          int gt = skipAttributes(lt + 2 + nameLen);
          after = gt < 0 ? n : gt;
          break;
        }
        k = lt + 1;
      }
      if (end == n && (id == TITLE || id == TEXTAREA || id == NOSCRIPT)) {
        // jsoup: an unclosed title, textarea or noscript ends at the next start tag, which is parsed
        for (int lt = indexOf('<', from); lt >= 0; lt = indexOf('<', lt + 1)) {
          if (lt + 1 < n && isAsciiLetter(c[lt + 1])) {
            end = after = lt;
            break;
          }
        }
      }
      if (id == TITLE && !inBody) {
        if (title == null) {
          scratch.setLength(0);
          unescape(c, from, end, scratch);
          title = normaliseTitle(scratch);
        }
      } else if (id == TITLE && depthOf(id) >= 0 && chrome < 0 && end > from) {
        // a title in the body is RCDATA: its content is a text node; xmp, noembed and noframes
        // hold raw text, which jsoup keeps as data (as in a script), not text
        scratch.setLength(0);
        unescape(c, from, end, scratch);
        textNode(scratchChars(), 0, scratch.length());
      }
      if (end < n || after == n) {
        endTag(id, nameFrom, nameTo);
      }
      return after;
    }

    private static int[] filled(int size, int v) {
      int[] a = new int[size];
      java.util.Arrays.fill(a, v);
      return a;
    }

    private boolean regionMatchesName(int at, int nameFrom, int len) {
      for (int k = 0; k < len; k++) {
        char x = c[at + k];
        char y = c[nameFrom + k];
        if (x != y && Character.toLowerCase(x) != Character.toLowerCase(y)) {
          return false;
        }
      }
      return true;
    }

    private char[] scratchBuf = new char[256];

    private char[] scratchChars() {
      if (scratchBuf.length < scratch.length()) {
        scratchBuf = new char[scratch.length() * 2];
      }
      scratch.getChars(0, scratch.length(), scratchBuf, 0);
      return scratchBuf;
    }

    private static String normaliseTitle(CharSequence s) {
      StringBuilder b = new StringBuilder(s.length());
      boolean space = false;
      for (int k = 0; k < s.length(); k++) {
        char ch = s.charAt(k);
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r' || ch == '\u00A0') {
          space = true;
        } else if (ch == '\u200B' || ch == '\u00AD') {
          continue;
        } else {
          if (space && b.length() > 0) {
            b.append(' ');
          }
          space = false;
          b.append(ch);
        }
      }
      return b.toString().trim();
    }

    /**
     * What a text run does to the tree before it is written: blank text before the body is
     * dropped, other text opens the body and reopens a pending {@code <a>}; false when the run
     * is not written (before the body, or inside chrome).
     */
    private boolean textGoesOut(int from, int to) {
      if (!inBody) {
        if (headTemplate > 0 || isJsoupBlank(c, from, to)) {
          return false;
        }
        enterBody();
      }
      if (pendingA) {
        reopenA();
      }
      return chrome < 0;
    }

    private void cdata(int from, int to) {
      if (!textGoesOut(from, to)) {
        return;
      }
      if (to > from) {
        textNode(c, from, to);
      }
    }

    // ---- text ---------------------------------------------------------------------------

    /** A text run {@code c[from, to)} between two tokens, references not yet decoded. */
    private void text(int from, int to) {
      if (!textGoesOut(from, to)) {
        return;
      }
      if (hasAmp(from, to)) {
        scratch.setLength(0);
        unescape(c, from, to, scratch);
        textNode(scratchChars(), 0, scratch.length());
      } else {
        textNode(c, from, to);
      }
    }

    /** One text node (already decoded) inside the body and outside chrome. */
    private void textNode(char[] t, int from, int to) {
      if (perma >= 0) {
        if (aChars.length() + to - from <= 64) {
          aChars.append(t, from, to - from);
        } else {
          aChars.setLength(0);
          aChars.append("(long)"); // too long to be a permalink mark
        }
      }
      boolean blank = isJsoupBlank(t, from, to);
      if (!blank) {
        nonBlank++;
      }
      int chars;
      StringBuilder sb = out;
      if (pre > 0) {
        sb.append(t, from, to - from);
        chars = block >= 0 || perma >= 0 ? collapsedLength(t, from, to) : 0;
      } else {
        // HtmlText.appendCollapsed, appending runs of non-space characters at once
        chars = 0;
        int k = from;
        while (k < to) {
          int s = k;
          while (k < to && !isSpace(t[k])) {
            k++;
          }
          if (k > s) {
            sb.append(t, s, k - s);
            chars += k - s;
          }
          if (k < to) {
            chars++;
            k++;
            while (k < to && isSpace(t[k])) {
              k++;
            }
            int len = sb.length();
            if (len > 0) {
              char last = sb.charAt(len - 1);
              if (last != ' ' && last != '\n') {
                sb.append(' ');
              }
            }
          }
        }
      }
      if (block >= 0) {
        st[4 * block] += chars;
        if (inLink > 0) {
          st[4 * block + 2] += chars;
        }
      }
      if (perma >= 0) {
        aText[perma] += chars;
        aLinkText[perma] += inLink > 0 ? chars : 0;
      }
    }

    static int collapsedLength(char[] t, int from, int to) { // MainContent counts with it too
      int count = 0;
      boolean space = false;
      for (int k = from; k < to; k++) {
        if (isSpace(t[k])) {
          if (!space) {
            count++;
          }
          space = true;
        } else {
          count++;
          space = false;
        }
      }
      return count;
    }

    // ---- tree ---------------------------------------------------------------------------

    private void enterBody() {
      inBody = true;
      push(BODY, -1, -1, 0);
      newline(BODY);
    }

    private void grow() {
      int cap = tag.length * 2;
      tag = java.util.Arrays.copyOf(tag, cap);
      nameFrom = java.util.Arrays.copyOf(nameFrom, cap);
      nameTo = java.util.Arrays.copyOf(nameTo, cap);
      flags = java.util.Arrays.copyOf(flags, cap);
      no = java.util.Arrays.copyOf(no, cap);
      mark = java.util.Arrays.copyOf(mark, cap);
      stripped = java.util.Arrays.copyOf(stripped, cap);
      parentBlock = java.util.Arrays.copyOf(parentBlock, cap);
      st = java.util.Arrays.copyOf(st, cap * 4);
      aText = java.util.Arrays.copyOf(aText, cap);
      aLinkText = java.util.Arrays.copyOf(aLinkText, cap);
      aNonBlank = java.util.Arrays.copyOf(aNonBlank, cap);
      key = java.util.Arrays.copyOf(key, cap);
    }

    private int push(int id, int from, int to, int f) {
      if (depth == tag.length) {
        grow();
      }
      int d = depth++;
      tag[d] = id;
      nameFrom[d] = from;
      nameTo[d] = to;
      flags[d] = f;
      no[d] = elements++;
      int k = id != 0 ? id : PROPS.length + nameBucket(from, to);
      key[d] = k;
      live[k]++;
      pushes[k]++;
      return d;
    }

    /**
     * End-tag scans that found nothing, per kind (scope, table scope, "any other end tag") and key:
     * the frame the scan stopped at, its element number and the key's push count then. The answer
     * stays "nothing" while that frame is on the stack and live and no element with the key has
     * been pushed since: a run of stray end tags does not walk the same ~1,000 frames each time.
     */
    final int[] pushes = new int[PROPS.length + 256];
    int[] missAt;                   // allocated at the first miss (most pages have few stray end tags)
    int[] missNo;                   // element number + 1, 0 for none
    int[] missPushes;
    int[] missFrom;
    int[] missLen;

    private boolean stillMissing(int slot, int k) {
      if (missAt == null) {
        return false;
      }
      int at = missAt[slot];
      return missNo[slot] != 0 && at < depth && no[at] + 1 == missNo[slot] && (flags[at] & F_DEAD) == 0 && pushes[k] == missPushes[slot];
    }

    private void missed(int slot, int at, int k) {
      if (missAt == null) {
        int size = 3 * pushes.length;
        missAt = new int[size];
        missNo = new int[size];
        missPushes = new int[size];
        missFrom = new int[size];
        missLen = new int[size];
      }
      missAt[slot] = at;
      missNo[slot] = no[at] + 1;
      missPushes[slot] = pushes[k];
    }

    /** Live frames per tag id, then per bucket of unknown tag names: an end tag with none open is ignored without walking the stack. */
    final int[] live = new int[PROPS.length + 256];
    int[] key = new int[64];

    /** The bucket of the unknown tag name {@code c[from, to)}: its length and its lower-cased first and last characters (O(1) per tag). */
    private int nameBucket(int from, int to) {
      if (to <= from) {
        return 0;
      }
      return ((to - from) * 7 + lower(c[from]) * 31 + lower(c[to - 1])) & 255;
    }

    /** Equal for any two characters {@link #regionMatchesName} takes as equal (others may share a bucket: only a lost shortcut). */
    private static int lower(char ch) {
      return ch < 128 ? ch | 0x20 : Character.toLowerCase(ch);
    }

    /** Index of the topmost live frame with tag {@code id}, or -1. */
    private int depthOf(int id) {
      if (live[id] == 0) {
        return -1;
      }
      for (int d = depth - 1; d >= 0; d--) {
        if (tag[d] == id && (flags[d] & F_DEAD) == 0) {
          return d;
        }
      }
      return -1;
    }

    /** Index of the topmost live frame with tag {@code id} within the scope whose boundaries have {@code bound}, or -1. */
    private int inScope(int id, int bound) {
      if (live[id] == 0) {
        return -1;
      }
      int slot = (bound == SCOPE ? 0 : pushes.length) + id;
      if (stillMissing(slot, id)) {
        return -1;
      }
      for (int d = depth - 1; d >= 1; d--) {
        int t = tag[d];
        if (t == id && (flags[d] & F_DEAD) == 0) {
          return d;
        }
        if ((PROPS[t] & bound) != 0 || bound == SCOPE && t == SVG) {
          missed(slot, d, id);
          return -1;
        }
      }
      missed(slot, 0, id);
      return -1;
    }

    private int pInButtonScope() {
      if (openP == 0) {
        return -1;
      }
      for (int d = depth - 1; d >= 1; d--) {
        int t = tag[d];
        if (t == P && (flags[d] & F_DEAD) == 0) {
          return d;
        }
        if ((PROPS[t] & SCOPE) != 0 || t == BUTTON) {
          return -1;
        }
      }
      return -1;
    }

    static final int BUTTON = tagIdOf("button");

    private static int tagIdOf(String name) {
      char[] n = name.toCharArray();
      return tagId(n, 0, n.length);
    }

    private void popTo(int d) {
      while (depth > d) {
        pop();
      }
    }

    private void closeP() {
      int d = pInButtonScope();
      if (d >= 0) {
        popTo(d);
      }
    }

    private void startElement(int id, int from, int to) {
      if (!inBody) {
        if (id == TEMPLATE || headTemplate > 0) {
          if (id == TEMPLATE) {
            headTemplate++; // a template in the head holds its content: none of it opens the body
          }
          return;
        }
        if (id == HTML || id == HEAD) {
          return;
        }
        if (id == BODY) {
          enterBody();
          if (roleFrom >= 0 && value(roleFrom, roleTo).equals("main")) {
            flags[0] |= F_CONTENT;
            content++;
          }
          bodyMain = roleFrom >= 0 && roleMatchesMain();
          return;
        }
        if (id != 0 && (PROPS[id] & HEAD_OK) != 0) {
          return; // stays in <head>: not rendered (raw ones are consumed by the caller)
        }
        enterBody();
      }
      sawElement = true;
      if (id == HTML || id == BODY || id == HEAD) {
        return;
      }
      int props = id == 0 ? 0 : PROPS[id];
      if (openSelect > 0) {
        // "in select": options and scripts go in, <select> ends it, input/keygen/textarea end it and go on, the rest is ignored
        if (id == SELECT) {
          popTo(depthOf(SELECT));
          return;
        }
        if (id == INPUT || id == KEYGEN || id == TEXTAREA) {
          popTo(depthOf(SELECT));
        } else if (id == OPTION || id == OPTGROUP) {
          if (tag[depth - 1] == OPTION) {
            pop();
          }
          if (id == OPTGROUP && tag[depth - 1] == OPTGROUP) {
            pop();
          }
        } else if (id != SCRIPT && id != TEMPLATE) {
          return;
        }
      }
      // implied end tags
      if ((props & CLOSES_P) != 0 || id == TABLE && !quirks) {
        closeP();
      }
      if ((props & HEADING) != 0 && openHeading > 0 && (PROPS[tag[depth - 1]] & HEADING) != 0) {
        pop();
      } else if (id == LI && openLi > 0) {
        closeListItem(LI, LI);
      } else if ((id == DD || id == DT) && openDdDt > 0) {
        closeListItem(DD, DT);
      } else if (id == A && (openA > 0 || pendingA)) {
        pendingA = false;
        int d = depthOf(A);
        if (d >= 0) {
          closingA = true;
          closeInline(d);
          closingA = false;
        }
      } else if ((id == OPTION || id == OPTGROUP) && tag[depth - 1] == OPTION) {
        pop();
      } else if ((props & TABLE_PART) != 0) {
        if (openTable == 0) {
          return; // ignored outside a table
        }
        if (id == TD || id == TH || id == CAPTION) {
          pendingA = false; // a cell starts with a marker: nothing from outside is reopened in it
        }
        int table = depthOf(TABLE);
        if (id == TD || id == TH || id == TR) {
          for (int d = table + 1; d < depth; d++) {
            int t = tag[d];
            if (t == TD || t == TH || t == TR && id == TR) {
              popTo(d);
              break;
            }
          }
        } else if (id == TBODY || id == THEAD || id == TFOOT || id == CAPTION || id == COLGROUP) {
          for (int d = table + 1; d < depth; d++) {
            int t = tag[d];
            if (t == TBODY || t == THEAD || t == TFOOT || t == TR || t == TD || t == TH || t == CAPTION || t == COLGROUP) {
              popTo(d);
              break;
            }
          }
        }
      } else if (id == FORM && openForm > 0) {
        return;
      }
      if (pendingA && ((props & SPECIAL) == 0 || (props & RECON) != 0)) {
        reopenA();
      }
      if (depth >= MAX_DEPTH) {
        return;
      }
      boolean isVoid = (props & VOID) != 0 || selfClosing && (foreign > 0 || (props & FOREIGN) != 0)
          || id == FORM && inTableMode(); // "in table": a form is inserted and popped at once, the rows stay outside it
      if (perma >= 0) {
        flags[perma] &= ~F_PERMA; // a child element: not a permalink
        perma = -1;
      }
      if (chrome >= 0) {
        int d = push(id, from, to, 0);
        count(id, +1);
        if (id == A) {
          flags[d] |= (href ? F_HREF : 0) | (ownChrome(id) ? F_OWN_CHROME : 0);
        }
        if (isVoid) {
          pop();
        }
        return;
      }
      boolean isChrome = (props & DROP) != 0 || (id == HEADER || id == FOOTER) && content == 0 || ownChrome(id);
      int d = push(id, from, to, 0);
      count(id, +1);
      if (isChrome) {
        flags[d] |= F_CHROME | (id == A ? (href ? F_HREF : 0) | F_OWN_CHROME : 0);
        chrome = d;
        if (isVoid) {
          pop();
        }
        return;
      }
      open(d, id, props, href, true);
      if (isVoid) {
        pop();
      }
    }

    /** The current node is a table, a table section or a row: the tree builder is "in table" (or body, or row). */
    private boolean inTableMode() {
      int t = tag[depth - 1];
      return t == TABLE || t == TBODY || t == THEAD || t == TFOOT || t == TR;
    }

    /**
     * {@code </form>}: the implied end tags (p, li, dd, dt, option) close, then the form is popped
     * when it is the current node, else only taken off the stack: the elements above it stay open
     * (inside it, so still skipped) and the skip ends when they have closed.
     */
    private void formEnd() {
      int d = inScope(FORM, SCOPE);
      if (d < 0) {
        return;
      }
      for (int t; depth - 1 > d && ((t = tag[depth - 1]) == P || t == LI || t == DD || t == DT || t == OPTION || t == OPTGROUP); ) {
        pop();
      }
      if (depth - 1 == d) {
        pop();
        return;
      }
      count(FORM, -1);
      live[key[d]]--;
      flags[d] |= F_DEAD;
    }

    /** MainContent.isChrome's tests on the element's own attributes (hidden, aria-hidden, role, style, class, id words). */
    private boolean ownChrome(int id) {
      boolean isChrome = hidden || ariaHidden;
      if (!isChrome && roleFrom >= 0) {
        String role = value(roleFrom, roleTo).toLowerCase(java.util.Locale.ROOT);
        isChrome = !role.isEmpty() && ROLES.contains(role.toCharArray(), 0, role.length());
      }
      if (!isChrome && styleFrom >= 0) {
        isChrome = value(styleFrom, styleTo).replace(" ", "").toLowerCase(java.util.Locale.ROOT).contains("display:none");
      }
      if (!isChrome && id != MAIN && id != ARTICLE && (classFrom >= 0 || idFrom >= 0)) {
        isChrome = chromeValue(classFrom, classTo) || chromeValue(idFrom, idTo);
      }
      return isChrome;
    }

    /** Reopens the pending {@code <a>} (a copy with the same attributes) where the next text or inline element goes. */
    private void reopenA() {
      pendingA = false;
      if (depth >= MAX_DEPTH) {
        return;
      }
      if (perma >= 0) {
        flags[perma] &= ~F_PERMA;
        perma = -1;
      }
      int d = push(A, -1, -1, 0);
      count(A, +1);
      int keep = pendingFlags & (F_HREF | F_OWN_CHROME);
      if (chrome >= 0) {
        flags[d] = keep;
      } else if ((keep & F_OWN_CHROME) != 0) {
        flags[d] = keep | F_CHROME;
        chrome = d;
      } else {
        open(d, A, PROPS[A], (keep & F_HREF) != 0, false);
        flags[d] |= keep;
      }
    }

    /** The effects of opening a rendered element. */
    private void open(int d, int id, int props, boolean href, boolean attributes) {
      int f = 0;
      boolean roleMain = attributes && roleFrom >= 0 && roleMatchesMain();
      if (id == MAIN || id == ARTICLE || attributes && roleFrom >= 0 && value(roleFrom, roleTo).equals("main")) {
        f |= F_CONTENT;
        content++;
      }
      if (rootNo == ROOT_UNKNOWN) {
        if (mainNo < 0 && (id == MAIN || roleMain)) {
          f |= F_MAIN | F_HAS_CAND;
          mainNo = no[d];
          candStartNonBlank = nonBlank;
          mainInline = (props & BLOCK) == 0;
        }
        if (id == ARTICLE) {
          articles++;
          f |= F_HAS_CAND;
          if (articleNo < 0) {
            f |= F_ARTICLE;
            articleNo = no[d];
            articleStartNonBlank = nonBlank;
          }
        }
      } else if (no[d] == rootNo) {
        f |= F_ROOT;
      } else if (rootNo < 0 || (flags[d - 1] & (F_ROOT | F_IN_ROOT)) != 0) {
        f |= F_IN_ROOT;
      }
      if (id == A) {
        if (href) {
          f |= F_LINK | F_HREF;
          inLink++;
        }
        f |= F_PERMA;
        perma = d;
        aText[d] = 0;
        aLinkText[d] = 0;
        aNonBlank[d] = nonBlank;
        aChars.setLength(0);
      }
      if (id == PRE) {
        pre++;
      }
      int len = out.length();
      mark[d] = len;
      if ((props & BLOCK) != 0) {
        int spaces = 0;
        while (spaces < len && out.charAt(len - 1 - spaces) == ' ') {
          spaces++;
        }
        stripped[d] = spaces; // newline drops them; a cut block puts them back
        newline(id);
      } else {
        stripped[d] = 0;
      }
      parentBlock[d] = block;
      if ((props & LINK_BLOCK) != 0) {
        block = d;
        st[4 * d] = st[4 * d + 1] = st[4 * d + 2] = st[4 * d + 3] = 0;
      }
      if (block >= 0) {
        if ((f & F_LINK) != 0) {
          st[4 * block + 1]++;
        }
        if ((props & HOC) != 0) {
          st[4 * block + 3] = 1;
        }
      }
      flags[d] = f;
      if ((f & F_MAIN) != 0) {
        mainStart = out.length();
      }
      if ((f & F_ARTICLE) != 0) {
        articleStart = out.length();
      }
      if ((f & F_ROOT) != 0) {
        rootStart = out.length();
      }
    }

    private boolean roleMatchesMain() {
      return value(roleFrom, roleTo).trim().equalsIgnoreCase("main");
    }

    private void count(int id, int delta) {
      if (id == P) {
        openP += delta;
      } else if (id == A) {
        openA += delta;
      } else if (id == TABLE) {
        openTable += delta;
      } else if (id == SELECT) {
        openSelect += delta;
      } else if (id == FORM) {
        openForm += delta;
      } else if (id == LI) {
        openLi += delta;
      } else if (id == DD || id == DT) {
        openDdDt += delta;
      } else if (id != 0 && (PROPS[id] & HEADING) != 0) {
        openHeading += delta;
      } else if (id == SVG || id == MATH) {
        foreign += delta;
      }
    }

    /** The li (or dd/dt) start tag: closes an open one unless a special element other than address, div, p is in between. */
    private void closeListItem(int a, int b) {
      for (int d = depth - 1; d >= 1; d--) {
        int t = tag[d];
        if ((t == a || t == b) && (flags[d] & F_DEAD) == 0) {
          popTo(d);
          return;
        }
        if ((PROPS[t] & SPECIAL) != 0 && t != DIV && t != P && t != ADDRESS) {
          return;
        }
      }
    }

    static final int ADDRESS = tagIdOf("address");
    static final int INPUT = tagIdOf("input");
    static final int KEYGEN = tagIdOf("keygen");

    /** Closes the inline element at {@code d}: popped when nothing special is above it, else closed in place. */
    private void closeInline(int d) {
      for (int k = depth - 1; k > d; k--) {
        if ((PROPS[tag[k]] & SPECIAL) != 0 && (flags[k] & F_DEAD) == 0) {
          kill(d);
          return;
        }
      }
      popTo(d);
    }

    /** A misnested inline element closed in place: its effects end, its frame stays as a transparent one. */
    private void kill(int d) {
      if (chrome >= 0 && d >= chrome) {
        flags[d] |= F_NO_REOPEN;
        return; // inside a skipped subtree: left open, closed with its parent
      }
      int f = flags[d];
      if ((f & F_LINK) != 0) {
        inLink--;
      }
      if (perma == d) {
        perma = -1;
      }
      count(tag[d], -1);
      live[key[d]]--;
      flags[d] = (f & ~(F_LINK | F_PERMA)) | F_DEAD;
    }

    private void endTag(int id, int from, int to) {
      if (!inBody) {
        if (id == TEMPLATE && headTemplate > 0) {
          headTemplate--;
        }
        return; // </head>, </html>, </body>, stray end tags: nothing rendered yet
      }
      if (id == HTML || id == BODY) {
        return;
      }
      if (openSelect > 0) {
        if (id == SELECT) {
          popTo(depthOf(SELECT));
        } else if (id == OPTGROUP && tag[depth - 1] == OPTION && depth >= 2 && tag[depth - 2] == OPTGROUP) {
          popTo(depth - 2);
        } else if ((id == OPTION || id == OPTGROUP) && tag[depth - 1] == id) {
          pop();
        }
        return; // "in select": other end tags are ignored
      }
      if (id == P) {
        int d = pInButtonScope();
        if (d >= 0) {
          popTo(d);
        } else {
          resetAttributes();
          startElement(P, from, to); // </p> without <p>: an empty paragraph
          if (depth > 0 && tag[depth - 1] == P) {
            pop();
          }
        }
        return;
      }
      if (id == BR) {
        resetAttributes();
        startElement(BR, from, to);
        return;
      }
      if (id == 0) {
        anyOtherEnd(from, to);
        return;
      }
      int props = PROPS[id];
      if ((props & HEADING) != 0) {
        for (int d = openHeading > 0 ? depth - 1 : 0; d >= 1; d--) {
          int t = tag[d];
          if ((PROPS[t] & HEADING) != 0 && (flags[d] & F_DEAD) == 0) {
            popTo(d);
            return;
          }
          if ((PROPS[t] & SCOPE) != 0) {
            return;
          }
        }
        return;
      }
      if ((props & FORMATTING) != 0) {
        if (id == A) {
          pendingA = false;
        }
        int d = inScope(id, SCOPE);
        if (d >= 0) {
          closingA = id == A;
          closeInline(d);
          closingA = false;
        }
        return;
      }
      if (id == LI) {
        int d = inScope(LI, SCOPE);
        if (d >= 0 && !listBoundaryBetween(d)) {
          popTo(d);
        }
        return;
      }
      if ((props & TABLE_PART) != 0 || id == TABLE) {
        int d = inScope(id, TABLE_SCOPE);
        if (d >= 0) {
          popTo(d);
        }
        return;
      }
      if (id == SELECT || id == OPTION || id == OPTGROUP) {
        int d = depthOf(id);
        if (d >= 0 && (id == SELECT || d == depth - 1)) {
          popTo(d);
        }
        return;
      }
      if (id == FORM) {
        formEnd();
        return;
      }
      if ((props & SPECIAL) != 0) {
        int d = inScope(id, SCOPE);
        if (d >= 0) {
          popTo(d);
        }
        return;
      }
      anyOtherEnd(from, to);
    }

    private boolean listBoundaryBetween(int d) {
      for (int k = depth - 1; k > d; k--) {
        if (tag[k] == UL || tag[k] == OL) {
          return true;
        }
      }
      return false;
    }

    /** The tree builder's "any other end tag": the nearest element of that name, unless a special element comes first. */
    private void anyOtherEnd(int from, int to) {
      int len = to - from;
      int id = tagId(c, from, to);
      int k = id != 0 ? id : PROPS.length + nameBucket(from, to);
      if (live[k] == 0) {
        return; // none open
      }
      int slot = 2 * pushes.length + k;
      if (stillMissing(slot, k) && (id != 0 || missLen[slot] == len && regionMatchesName(missFrom[slot], from, len))) {
        return;
      }
      for (int d = depth - 1; d >= 1; d--) {
        int t = tag[d];
        boolean same = id != 0 ? t == id
            : t == 0 && nameTo[d] - nameFrom[d] == len && regionMatchesName(nameFrom[d], from, len);
        if (same && (flags[d] & F_DEAD) == 0) {
          popTo(d);
          return;
        }
        if ((PROPS[t] & SPECIAL) != 0 && (flags[d] & F_DEAD) == 0) {
          missed(slot, d, k);
          missFrom[slot] = from;
          missLen[slot] = len;
          return;
        }
      }
      missed(slot, 0, k);
      missFrom[slot] = from;
      missLen[slot] = len;
    }

    /** Closes the top element; a skipped subtree whose root was taken off the stack ({@link #formEnd}) ends when that root is on top. */
    private void pop() {
      popOne();
      if (depth > 0 && depth - 1 == chrome && (flags[chrome] & F_DEAD) != 0) {
        depth--;
        chrome = -1;
      }
    }

    /** Closes the top element: its close newline, its link-farm judgment, its candidate range. */
    private void popOne() {
      int d = --depth;
      int id = tag[d];
      int f = flags[d];
      if ((f & F_DEAD) != 0) {
        if (d == chrome) {
          chrome = -1;
        }
        return;
      }
      count(id, -1);
      live[key[d]]--;
      if (id == A && !closingA && inBody && (f & F_NO_REOPEN) == 0) {
        pendingA = true;
        pendingFlags = f;
      } else if (id == TD || id == TH || id == CAPTION || id == BODY) {
        pendingA = false; // a cell's end clears the formatting elements opened in it
      }
      if (chrome >= 0) {
        if (d == chrome) {
          chrome = -1;
        }
        return;
      }
      int props = id == 0 ? 0 : PROPS[id];
      if ((f & F_CONTENT) != 0) {
        content--;
      }
      if ((f & F_LINK) != 0) {
        inLink--;
      }
      if (id == PRE) {
        pre--;
      }
      if ((f & F_PERMA) != 0) {
        perma = -1;
        if (isPermalinkText(aChars)) {
          out.setLength(mark[d]);
          int b = block;
          if (b >= 0) {
            st[4 * b] -= aText[d];
            st[4 * b + 2] -= aLinkText[d];
            if ((f & F_LINK) != 0) {
              st[4 * b + 1]--;
            }
          }
          nonBlank = aNonBlank[d];
          return;
        }
      }
      if ((props & BLOCK) != 0) {
        newline(id);
      }
      if ((props & LINK_BLOCK) != 0) {
        block = parentBlock[d];
        int s = 4 * d;
        if (block >= 0) {
          int p = 4 * block;
          st[p] += st[s];
          st[p + 1] += st[s + 1];
          st[p + 2] += st[s + 2];
          st[p + 3] |= st[s + 3];
        }
        boolean judged = rootNo == ROOT_UNKNOWN || (f & F_IN_ROOT) != 0;
        if (judged && st[s + 1] >= 3 && st[s + 3] == 0 && st[s] > 0 && st[s + 2] > 0.5 * st[s]) {
          if ((f & F_HAS_CAND) != 0) {
            if (deferredCount * 2 == deferred.length) {
              deferred = java.util.Arrays.copyOf(deferred, deferred.length * 2);
            }
            deferred[2 * deferredCount] = no[d];
            deferred[2 * deferredCount + 1] = elements;
            deferredCount++;
          } else {
            out.setLength(mark[d] - stripped[d]);
            for (int k = 0; k < stripped[d]; k++) {
              out.append(' ');
            }
          }
        }
      }
      if ((f & F_MAIN) != 0) {
        mainEnd = out.length();
        mainEndNo = elements;
        mainHasText = nonBlank > candStartNonBlank;
      }
      if ((f & F_ARTICLE) != 0) {
        articleEnd = out.length();
        articleEndNo = elements;
        articleHasText = nonBlank > articleStartNonBlank;
      }
      if ((f & F_ROOT) != 0) {
        rootEnd = out.length();
      }
      if ((f & F_HAS_CAND) != 0 && d > 0) {
        int q = d - 1;
        while (q > 0 && (flags[q] & F_DEAD) != 0) {
          q--; // closed-in-place frames are transparent
        }
        flags[q] |= F_HAS_CAND;
      }
    }

    /** {@code Element.text().strip()} of a childless {@code <a>} is one of MainContent's permalink marks. */
    private static boolean isPermalinkText(StringBuilder s) {
      int from = 0;
      int to = s.length();
      while (from < to && permaSpace(s.charAt(from))) {
        from++;
      }
      while (to > from && permaSpace(s.charAt(to - 1))) {
        to--;
      }
      int len = to - from;
      if (len == 1) {
        char ch = s.charAt(from);
        return ch == '¶' || ch == '#' || ch == '§';
      }
      if (len == 2) {
        return s.charAt(from) == '\uD83D' && s.charAt(from + 1) == '\uDD17'; // 🔗
      }
      return len == 4 && s.charAt(from) == 'l' && s.charAt(from + 1) == 'i' && s.charAt(from + 2) == 'n' && s.charAt(from + 3) == 'k';
    }

    private static boolean permaSpace(char ch) {
      return ch == '\u00A0' || Character.isWhitespace(ch) || ch == '\u200B' || ch == '\u00AD';
    }

    /** MainContent's newline: ends the line, and paragraphs, headings and code get a blank line. */
    private void newline(int id) {
      StringBuilder sb = out;
      HtmlText.newline(sb);
      if ((PROPS[id] & PARA) != 0) {
        int len = sb.length();
        if (len > 0 && !(len >= 2 && sb.charAt(len - 2) == '\n')) {
          sb.append('\n');
        }
      }
    }
  }
}
