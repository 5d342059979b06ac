package org.sparklm.udfs.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.sparklm.udfs.text.HtmlText;

/**
 * The main content of an HTML page as text, with jsoup: navigation, headers and footers, sidebars,
 * scripts, styles, forms and link farms removed; headings, paragraphs, list items, tables and
 * {@code <pre>} code kept, each block on lines of its own and {@code <pre>} verbatim.
 *
 * <p>Written here rather than taken from a library because the JVM has no maintained boilerplate
 * remover (boilerpipe's last release is from 2011 and it flattens code blocks); the rules follow
 * what trafilatura and readability do first: drop the elements whose tag, ARIA role, class or id
 * says they are chrome, prefer {@code <main>} / {@code role=main} / a single {@code <article>},
 * and drop blocks whose text is mostly link text.
 *
 * <p>Ingest and {@code sparklm_main_text} use {@link StreamingMainContent}, the same rules in one
 * pass without a DOM; this class is the reference it is tested against
 * and stays available as {@code WarcIngest.Extractor.MAIN_CONTENT_DOM}.
 *
 * <p>A page larger than {@link Limits#maxChars} is not parsed, and one whose walk takes longer
 * than {@link Limits#maxMillis} is abandoned: both raise {@link LimitException}, so one
 * pathological page cannot hold up a task. The time is the extracting thread's CPU time, not the
 * wall clock: on a loaded machine (an executor sharing its cores) a normal page must not turn
 * into a reject, or the same input would give different tables.
 */
public final class MainContent {
  private MainContent() {}

  /** The per-record guard. */
  public record Limits(long maxChars, long maxMillis) implements java.io.Serializable {
    /** 8 M characters (above any real article page), 2 s (jsoup parses ~20 MB/s). */
    public static final Limits DEFAULTS = new Limits(8L << 20, 2000);
  }

  /** The page is too large or took too long; the message says which. */
  public static final class LimitException extends RuntimeException {
    public LimitException(String message) {
      super(message);
    }
  }

  /** A page's title and main text. */
  public record Page(String title, String text) {}

  private static final Set<String> DROP_TAGS = Set.of(
      "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "form", "button",
      "input", "select", "textarea", "nav", "aside", "menu", "dialog", "head", "link", "meta", "img", "picture",
      "video", "audio", "map");
  private static final Set<String> DROP_ROLES = Set.of(
      "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alert");
  // class / id words that mark page chrome (Sphinx's sphinxsidebar and related included); a
  // class or id matches when one of its words (split at whitespace, '_' and '-') is one of these,
  // or two words joined by '-' are (side-bar, ad-slot). A set lookup per word, not a regex per
  // element: the regex was an eighth of the extraction time.
  static final Set<String> CHROME_WORDS = Set.of(
      "nav", "navbar", "navigation", "menu", "sidebar", "sphinxsidebar", "side-bar", "footer", "header", "masthead",
      "breadcrumb", "breadcrumbs", "related", "share", "sharing", "social", "cookie", "cookies", "consent", "banner",
      "advert", "ads", "ad-slot", "sponsor", "promo", "popup", "modal", "skip", "pagination", "pager", "comment",
      "comments", "subscribe", "newsletter", "widget", "toolbar", "topbar");
  private static final Evaluator MAIN = QueryParser.parse("main, [role=main]");
  private static final Evaluator ARTICLE = QueryParser.parse("article");
  private static final Set<String> PERMALINK = Set.of("¶", "#", "§", "🔗", "link");
  private static final Set<String> BLOCK = Set.of(
      "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "thead", "tbody", "tfoot",
      "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article", "header", "footer",
      "main", "figure", "figcaption", "fieldset", "hr", "address", "details", "summary", "caption", "td", "th", "body");
  private static final Set<String> LINK_BLOCKS = Set.of("ul", "ol", "dl", "div", "table", "section", "p", "td");

  public static Page extract(String html, String baseUri) {
    return extract(html, baseUri, Limits.DEFAULTS);
  }

  public static Page extract(String html, String baseUri, Limits limits) {
    if (html.length() > limits.maxChars()) {
      throw new LimitException("page of " + html.length() + " characters is over the extraction limit of " + limits.maxChars());
    }
    long deadline = cpuNanos() + limits.maxMillis() * 1_000_000L;
    Document doc = Jsoup.parse(html, baseUri == null ? "" : baseUri);
    String title = doc.title().strip();
    Element body = doc.body();
    if (body == null) {
      return new Page(title, "");
    }
    removeChrome(body, deadline);
    Element root = contentRoot(body);
    removeLinkFarms(root, deadline);
    return new Page(title, render(root, deadline));
  }

  /** The main text of {@code html} on the DOM ({@code sparklm_main_text} is {@link StreamingMainContent#text}). */
  public static String text(String html) {
    return html == null ? null : extract(html, "").text();
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private static final boolean CPU_CLOCK = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

  /** This thread's CPU time (the wall clock where the JVM cannot tell), checked every 1,024 nodes. */
  static long cpuNanos() {
    return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  static void checkTime(long deadline) {
    if (cpuNanos() > deadline) {
      throw new LimitException("extraction took over its time limit");
    }
  }

  static boolean isChrome(Element e) {
    String tag = e.normalName();
    if (DROP_TAGS.contains(tag)) {
      return true;
    }
    if (e.hasAttr("hidden") || "true".equals(e.attr("aria-hidden"))) {
      return true;
    }
    String role = e.attr("role").toLowerCase(Locale.ROOT);
    if (!role.isEmpty() && DROP_ROLES.contains(role)) {
      return true;
    }
    if ((tag.equals("header") || tag.equals("footer")) && !insideContent(e)) {
      return true;
    }
    String style = e.attr("style");
    if (!style.isEmpty() && style.replace(" ", "").toLowerCase(Locale.ROOT).contains("display:none")) {
      return true;
    }
    if (tag.equals("a") && e.childrenSize() == 0 && PERMALINK.contains(e.text().strip())) {
      return true; // Sphinx's and many blogs' heading permalinks
    }
    if (tag.equals("body") || tag.equals("main") || tag.equals("article")) {
      return false;
    }
    return hasChromeWord(e.className()) || hasChromeWord(e.id());
  }

  /**
   * True when a word of {@code names} (split at whitespace, '_' and '-'), or two words joined by
   * '-', is in {@link #CHROME_WORDS}, case-insensitively; the one-pass extractor's scan, so that
   * both extractors judge class and id alike.
   */
  static boolean hasChromeWord(String names) {
    return StreamingMainContent.hasChromeWord(names.toCharArray(), 0, names.length());
  }

  /** A header or footer inside an article or main holds the article's own title or byline. */
  private static boolean insideContent(Element e) {
    for (Element p = e.parent(); p != null; p = p.parent()) {
      String t = p.normalName();
      if (t.equals("article") || t.equals("main") || "main".equals(p.attr("role"))) {
        return true;
      }
    }
    return false;
  }

  private static void removeChrome(Element body, long deadline) {
    List<Element> drop = new ArrayList<>();
    int[] seen = {0};
    NodeTraversor.filter(new org.jsoup.select.NodeFilter() {
      @Override
      public FilterResult head(Node node, int depth) {
        if (node instanceof Element e && e != body) {
          if ((++seen[0] & 1023) == 0) {
            checkTime(deadline);
          }
          if (isChrome(e)) {
            drop.add(e);
            return FilterResult.SKIP_ENTIRELY;
          }
        }
        return FilterResult.CONTINUE;
      }

      @Override
      public FilterResult tail(Node node, int depth) {
        return FilterResult.CONTINUE;
      }
    }, body);
    for (Element e : drop) {
      e.remove();
    }
  }

  /** {@code <main>} or {@code role=main}, else the only {@code <article>}, else the body. */
  static Element contentRoot(Element body) {
    Element main = body.selectFirst(MAIN);
    if (main != null && main.hasText()) {
      return main;
    }
    var articles = body.select(ARTICLE);
    if (articles.size() == 1 && articles.first().hasText()) {
      return articles.first();
    }
    return body;
  }

  /**
   * Removes blocks (without headings or code) with at least 3 links whose link text is over half
   * their text. Text is counted as Element.text() shows it (whitespace runs as one), gathered for every block in one
   * walk (a block's text does not change before it is judged: blocks are judged in document
   * order, and only blocks after it, never inside-out, have been removed by then).
   */
  private static void removeLinkFarms(Element root, long deadline) {
    List<Element> blocks = new ArrayList<>();
    List<int[]> stats = new ArrayList<>(); // per block: text, links, link text, heading or code
    java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
    int[] seen = {0};
    NodeTraversor.traverse(new NodeVisitor() {
      int inLink = 0;

      @Override
      public void head(Node node, int depth) {
        if ((++seen[0] & 1023) == 0) {
          checkTime(deadline);
        }
        if (node instanceof TextNode t) {
          int[] st = open.peek(); // the innermost block; it hands its counts to its parent when it closes
          if (st != null) {
            int chars = collapsedLength(t.getWholeText());
            st[0] += chars;
            st[2] += inLink > 0 ? chars : 0;
          }
        } else if (node instanceof Element e) {
          String tag = e.normalName();
          boolean link = tag.equals("a") && e.hasAttr("href");
          if (link) {
            inLink++;
          }
          boolean headingOrCode = tag.equals("pre") || tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6';
          if (e != root && LINK_BLOCKS.contains(tag)) {
            int[] st = new int[4];
            blocks.add(e);
            stats.add(st);
            open.push(st);
          }
          int[] st = open.peek();
          if (st != null) {
            st[1] += link ? 1 : 0;
            st[3] |= headingOrCode ? 1 : 0;
          }
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e) {
          if (e.normalName().equals("a") && e.hasAttr("href")) {
            inLink--;
          }
          if (e != root && LINK_BLOCKS.contains(e.normalName())) {
            int[] done = open.pop();
            int[] parent = open.peek();
            if (parent != null) {
              parent[0] += done[0];
              parent[1] += done[1];
              parent[2] += done[2];
              parent[3] |= done[3];
            }
          }
        }
      }
    }, root);
    for (int i = 0; i < blocks.size(); i++) {
      int[] st = stats.get(i);
      if (st[1] >= 3 && st[3] == 0 && st[0] > 0 && st[2] > 0.5 * st[0]) {
        blocks.get(i).remove(); // a section with its own heading or code is content, however many links it has
      }
    }
  }

  /** Length of {@code s} with each run of whitespace counted as one character, as {@code Element.text()} shows it. */
  private static int collapsedLength(String s) {
    return StreamingMainContent.Pass.collapsedLength(s.toCharArray(), 0, s.length());
  }

  private static String render(Element root, long deadline) {
    StringBuilder sb = new StringBuilder();
    int[] seen = {0};
    NodeTraversor.traverse(new NodeVisitor() {
      int pre = 0;

      @Override
      public void head(Node node, int depth) {
        if ((++seen[0] & 1023) == 0) {
          checkTime(deadline);
        }
        if (node instanceof TextNode t) {
          if (pre > 0) {
            sb.append(t.getWholeText());
          } else {
            HtmlText.appendCollapsed(sb, t.getWholeText());
          }
        } else if (node instanceof Element e) {
          String tag = e.normalName();
          if (tag.equals("pre")) {
            pre++;
          }
          if (BLOCK.contains(tag)) {
            newline(sb, tag);
          } else if (tag.equals("td") || tag.equals("th")) {
            sb.append(' ');
          }
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e) {
          String tag = e.normalName();
          if (tag.equals("pre")) {
            pre--;
          }
          if (BLOCK.contains(tag)) {
            newline(sb, tag);
          }
        }
      }
    }, root);
    return HtmlText.tidy(sb);
  }

  /** Ends the current line; paragraphs, headings and code blocks are set apart by a blank line. */
  private static void newline(StringBuilder sb, String tag) {
    HtmlText.newline(sb);
    boolean paragraph = tag.equals("p") || tag.equals("pre") || tag.equals("blockquote") || tag.length() == 2 && tag.charAt(0) == 'h'
        && Character.isDigit(tag.charAt(1));
    if (paragraph && sb.length() > 0 && !(sb.length() >= 2 && sb.charAt(sb.length() - 2) == '\n')) {
      sb.append('\n');
    }
  }
}
