package org.sparklm.udfs.extract;

/** {@link MainContentCases} on jsoup's DOM: the reference extractor. */
class MainContentTest extends MainContentCases {
  @Override
  MainContent.Page extract(String html, String url, MainContent.Limits limits) {
    return MainContent.extract(html, url, limits);
  }

  @Override
  boolean hasChromeWord(String names) {
    return MainContent.hasChromeWord(names);
  }
}
