package org.sparklm.udfs.text;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Visible text of an HTML page with jsoup: scripts, styles and other invisible elements removed,
 * block elements on lines of their own, {@code <pre>} kept verbatim. {@code Element.text()} would
 * put the whole page on one line, which loses the paragraph and line structure that the quality
 * rules (lines ending in punctuation, duplicate lines) depend on.
 */
public final class HtmlText {
  private HtmlText() {}

  private static final Set<String> INVISIBLE = Set.of(
      "script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object", "embed");
  private static final Set<String> BLOCK = Set.of(
      "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "thead", "tbody", "tfoot",
      "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article", "header", "footer",
      "nav", "aside", "main", "figure", "figcaption", "form", "fieldset", "hr", "address", "details",
      "summary", "caption", "td", "th", "title", "body", "html", "dialog", "menu");

  /** A parsed page: its title and visible text. */
  public record Page(String title, String text) {}

  public static Page extract(String html, String baseUri) {
    Document doc = Jsoup.parse(html, baseUri == null ? "" : baseUri);
    String title = doc.title();
    return new Page(title, visibleText(doc.body()));
  }

  /** The visible text of an HTML string: the {@code sparklm_html_text} SQL function. */
  public static String visibleText(String html) {
    return html == null ? null : visibleText(Jsoup.parse(html).body());
  }

  static String visibleText(Element root) {
    if (root == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    NodeTraversor.traverse(new NodeVisitor() {
      int pre = 0;

      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode t) {
          if (insideInvisible(t)) {
            return;
          }
          if (pre > 0) {
            sb.append(t.getWholeText());
          } else {
            appendCollapsed(sb, t.getWholeText());
          }
        } else if (node instanceof Element e) {
          String tag = e.normalName();
          if (tag.equals("pre")) {
            pre++;
          }
          if (BLOCK.contains(tag)) {
            newline(sb);
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
            newline(sb);
          }
        }
      }
    }, root);
    return tidy(sb);
  }

  private static boolean insideInvisible(Node n) {
    for (Node p = n.parent(); p != null; p = p.parent()) {
      if (p instanceof Element e && INVISIBLE.contains(e.normalName())) {
        return true;
      }
    }
    return false;
  }

  /** Appends {@code s} with each run of whitespace (and no-break space) as one space, none at a line start. */
  public static void appendCollapsed(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || c == '\u00A0') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) != ' ' && sb.charAt(n - 1) != '\n') {
          sb.append(' ');
        }
      } else {
        sb.append(c);
      }
    }
  }

  /** Ends the current line: trailing spaces dropped, one newline unless the text is empty or already ends one. */
  public static void newline(StringBuilder sb) {
    int n = sb.length();
    while (n > 0 && sb.charAt(n - 1) == ' ') {
      sb.setLength(--n);
    }
    if (n > 0 && sb.charAt(n - 1) != '\n') {
      sb.append('\n');
    }
  }

  /** Trims each line's end and collapses runs of blank lines to one. */
  public static String tidy(CharSequence s) {
    StringBuilder out = new StringBuilder(s.length());
    int blank = 0;
    for (String line : s.toString().split("\n", -1)) {
      String t = line.stripTrailing();
      if (t.isBlank()) {
        blank++;
        continue;
      }
      if (out.length() > 0) {
        out.append(blank > 0 ? "\n\n" : "\n");
      }
      blank = 0;
      out.append(t);
    }
    return out.toString();
  }
}
