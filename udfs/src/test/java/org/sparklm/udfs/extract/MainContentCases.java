package org.sparklm.udfs.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.sparklm.udfs.quality.C4Rules;
import org.sparklm.udfs.quality.FineWebRules;
import org.sparklm.udfs.quality.GopherQuality;
import org.sparklm.udfs.quality.GopherRepetition;
import org.sparklm.udfs.testing.Corpus;
import org.sparklm.udfs.testing.DevCrawl;

/**
 * MainContent's cases, run against both extractors: {@link MainContentTest} (jsoup's DOM) and
 * {@link StreamingMainContentTest} (one pass, no DOM).
 */
abstract class MainContentCases {

  abstract MainContent.Page extract(String html, String url, MainContent.Limits limits);

  abstract boolean hasChromeWord(String names);

  MainContent.Page extract(String html, String url) {
    return extract(html, url, MainContent.Limits.DEFAULTS);
  }

  String text(String html) {
    return extract(html, "").text();
  }

  @Test
  void devCrawlPagesLoseTheirChromeAndKeepHeadingsAndCode() {
    List<DevCrawl.Page> pages = DevCrawl.pages();
    assertTrue(pages.size() > 70, "pages: " + pages.size());
    int withCode = 0;
    for (DevCrawl.Page p : pages) {
      String main = extract(p.html(), p.url()).text();
      String h1 = Jsoup.parse(p.html()).selectFirst("h1") == null ? "" : Jsoup.parse(p.html()).selectFirst("h1").text().replace("¶", "").strip();
      assertFalse(main.isBlank(), p.url());
      assertTrue(main.contains(h1), p.url() + " lost its heading " + h1);
      for (String chrome : List.of("Previous topic", "Show Source", "Quick search", "Report a Bug", "modules |", "¶")) {
        assertFalse(main.contains(chrome), p.url() + " kept '" + chrome + "'");
      }
      if (p.html().contains("<pre>") && main.contains(">>> ")) {
        withCode++;
      }
    }
    assertTrue(withCode > 20, "pages whose interactive examples survived: " + withCode);
  }

  /** The comparison: on the dev crawl, main content passes the rules far more often than Element.text(). */
  @Test
  void mainContentBeatsElementTextOnTheDevCrawl() {
    int mainKept = 0;
    int plainKept = 0;
    long mainChars = 0;
    long plainChars = 0;
    List<DevCrawl.Page> pages = DevCrawl.pages();
    for (DevCrawl.Page p : pages) {
      String main = extract(p.html(), p.url()).text();
      String plain = Jsoup.parse(p.html()).body().text();
      mainChars += main.length();
      plainChars += plain.length();
      mainKept += passes(main) ? 1 : 0;
      plainKept += passes(plain) ? 1 : 0;
    }
    System.out.printf("dev crawl, %d pages: main content %d chars, %d pass Gopher+C4+FineWeb; Element.text() %d chars, %d pass%n",
        pages.size(), mainChars, mainKept, plainChars, plainKept);
    assertTrue(mainChars < plainChars);
    assertTrue(mainKept > plainKept, "main " + mainKept + " vs Element.text() " + plainKept);
  }

  private static boolean passes(String t) {
    return GopherRepetition.check(t, GopherRepetition.Settings.DEFAULTS) == null
        && GopherQuality.check(t, GopherQuality.Settings.DEFAULTS) == null
        && C4Rules.apply(t, C4Rules.Settings.DEFAULTS, null).verdict() == null
        && FineWebRules.check(t, FineWebRules.Settings.DEFAULTS) == null;
  }

  @Test
  void multilingualPagesKeepOnlyTheArticle() throws Exception {
    for (Path f : Corpus.files(Corpus.repoRoot().resolve("data/multilingual"), "*.html")) {
      String html = Files.readString(f);
      MainContent.Page page = extract(html, "");
      String firstPara = Jsoup.parse(html).selectFirst("article p").text();
      assertTrue(page.text().startsWith(page.title() + "\n\n"), f.toString());
      assertTrue(page.text().endsWith(Jsoup.parse(html).select("article p").last().text()), f.toString());
      assertTrue(page.text().contains(firstPara));
      assertFalse(page.text().contains("©"), f + ": footer kept");
      assertFalse(page.text().contains("tracker"), f + ": script kept");
      assertEquals(4, page.text().split("\n\n").length, f + ": title + 3 paragraphs");
    }
  }

  @Test
  void linkFarmsAndFormsGo() {
    String html = "<body><div><p>Our cafe serves coffee from small farms in three countries.</p>"
        + "<div class=\"tags\"><a href=/a>coffee</a> <a href=/b>tea</a> <a href=/c>cake</a> <a href=/d>cups</a></div>"
        + "<form><input name=q><button>Search</button></form>"
        + "<pre>def brew(beans):\n    return beans * 2\n</pre></div></body>";
    assertEquals("Our cafe serves coffee from small farms in three countries.\n\ndef brew(beans):\n    return beans * 2",
        text(html));
  }

  @Test
  void sizeAndTimeLimits() {
    String big = "<p>" + "word ".repeat(1000) + "</p>";
    MainContent.LimitException size = assertThrows(MainContent.LimitException.class,
        () -> extract(big, "", new MainContent.Limits(1000, 1000)));
    assertTrue(size.getMessage().contains("over the extraction limit of 1000"));
    String deep = "<div>".repeat(20_000) + "x" + "</div>".repeat(20_000);
    assertThrows(MainContent.LimitException.class, () -> extract(deep, "", new MainContent.Limits(1 << 20, 0)));
  }

  @Test
  void chromeClassesAreWholeWordsOfClassOrId() {
    for (String yes : List.of("nav", "Sphinxsidebar", "main-navigation", "my_footer x", "side-bar left", "ad-slot-3",
        "page\tcomments", "breadcrumbs")) {
      assertTrue(hasChromeWord(yes), yes);
    }
    for (String no : List.of("", "navigational", "headerless", "ad_slot", "side bar", "load-slot", "document body")) {
      assertFalse(hasChromeWord(no), no);
    }
  }

  @Test
  void linkFarmsGoButLinkedHeadingsCodeAndProseStay() {
    String farm = "<ul>" + "<li><a href='/a'>Home page</a></li><li><a href='/b'>About us</a></li><li><a href='/c'>Contact</a></li>" + "</ul>";
    String prose = "<p>This paragraph talks about <a href='/x'>one</a>, <a href='/y'>two</a> and <a href='/z'>three</a> things "
        + "at some length, so that its own words are far more than the words of its links.</p>";
    String api = "<div><h3><a href='/q'>queue.Queue</a></h3><a href='/r'>get</a> <a href='/s'>put</a></div>";
    String text = extract("<html><body>" + farm + prose + api + "</body></html>", "").text();
    assertFalse(text.contains("About us"), text);
    assertTrue(text.contains("at some length"), text);
    assertTrue(text.contains("queue.Queue"), text);
  }
}
