package org.sparklm.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  @Test
  void aSelfContainedPageWithPlotsTableAndSurpriseView() {
    List<ReportPage.Point> pts = List.of(
        new ReportPage.Point("demo", "brown", 10, 2.0, 2.9, 0.05, 1000, 1000, 3, "disjoint"),
        new ReportPage.Point("demo", "brown", 20, 1.5, 2.2, 0.04, 1000, 1000, 3, "disjoint"));
    List<ReportPage.Doc> docs = List.of(new ReportPage.Doc("demo", 20, "brown", "a01",
        List.of(new ReportPage.Token("<", -0.1), new ReportPage.Token("b", -9.0))));
    String html = ReportPage.render("t", pts, docs, null);
    assertEquals(2, html.split("<svg ", -1).length - 1, "a bits-per-byte and a loss plot for the one dataset");
    assertTrue(html.contains("<td>2.2000</td><td>0.0400</td>"), "summary row with its bootstrap SE");
    assertTrue(html.contains("title=\"&lt;: p=0.9048, 0.14 bits\">&lt;</span>"), "tokens are escaped and explained");
    assertTrue(html.contains("background:" + ReportPage.colour(9.0 / Math.log(2))), "surprising token coloured");
    assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "no script, nothing fetched");
    assertEquals("#ffffff", ReportPage.colour(0));
    assertEquals("#ff4632", ReportPage.colour(20));
  }
}
