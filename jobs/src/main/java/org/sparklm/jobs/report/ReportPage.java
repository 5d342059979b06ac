package org.sparklm.jobs.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation report as one self-contained HTML page: inline SVG line plots (loss and bits per
 * byte versus training step, one plot per dataset, one line per run, bootstrap error bars), the
 * summary table, and a per-token "surprise" view (each token's background by -log2 p).
 *
 * <p>Written by hand rather than with a charting library: the page must open offline with no
 * script or network access, and a few polylines in SVG are less code than wiring a JVM plotting
 * library to emit static SVG.
 */
public final class ReportPage {
  private ReportPage() {}

  /** One eval_summary row (domain '*'). */
  public record Point(String run, String dataset, long step, double nllPerToken, double bitsPerByte, Double bpbSe,
                      long tokens, long bytes, long documents, String window) {}

  /** One scored token of a document in the surprise view. */
  public record Token(String piece, double logprob) {}

  /** A document in the surprise view. */
  public record Doc(String run, long step, String dataset, String docId, List<Token> tokens) {}

  public static String render(String title, List<Point> points, List<Doc> docs, String note) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}"
            + "h1{font-size:22px}h2{font-size:18px;margin-top:28px}table{border-collapse:collapse;font-size:13px}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td.l{text-align:left}"
            + ".plots{display:flex;flex-wrap:wrap;gap:16px}.doc{font-family:ui-monospace,monospace;font-size:13px;"
            + "line-height:1.7;white-space:pre-wrap;border:1px solid #ddd;padding:8px;margin:8px 0}"
            + ".doc span{border-radius:2px}.legend span{display:inline-block;width:28px;height:12px}"
            + "svg text{font-size:11px;fill:#333}</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    if (note != null) {
      h.append("<p>").append(esc(note)).append("</p>\n");
    }
    Map<String, List<Point>> byDataset = new TreeMap<>();
    points.forEach(p -> byDataset.computeIfAbsent(p.dataset(), k -> new ArrayList<>()).add(p));
    h.append("<h2>Loss and bits per byte by training step</h2>\n<div class=\"plots\">\n");
    for (Map.Entry<String, List<Point>> e : byDataset.entrySet()) {
      h.append(plot(e.getKey() + ": bits per byte", e.getValue(), true));
      h.append(plot(e.getKey() + ": loss (NLL per token, nats)", e.getValue(), false));
    }
    h.append("</div>\n<h2>Summary (eval_summary, whole datasets)</h2>\n<table><tr><th>run</th><th>dataset</th><th>step</th>"
        + "<th>documents</th><th>tokens</th><th>bytes</th><th>NLL/token</th><th>perplexity</th><th>bits/byte</th>"
        + "<th>± bootstrap SE</th><th>windows</th></tr>\n");
    for (Point p : points) {
      h.append("<tr><td class=\"l\">").append(esc(p.run())).append("</td><td class=\"l\">").append(esc(p.dataset()))
          .append("</td><td>").append(p.step()).append("</td><td>").append(p.documents()).append("</td><td>")
          .append(p.tokens()).append("</td><td>").append(p.bytes()).append("</td><td>").append(fmt(p.nllPerToken()))
          .append("</td><td>").append(fmt(Math.exp(p.nllPerToken()))).append("</td><td>").append(fmt(p.bitsPerByte()))
          .append("</td><td>").append(p.bpbSe() == null ? "" : fmt(p.bpbSe())).append("</td><td class=\"l\">")
          .append(esc(p.window())).append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Surprise: each token coloured by how unexpected it was</h2>\n");
    h.append("<p class=\"legend\">-log<sub>2</sub> p: <span style=\"background:").append(colour(0)).append("\"></span> 0 bits ")
        .append("<span style=\"background:").append(colour(4)).append("\"></span> 4 ")
        .append("<span style=\"background:").append(colour(8)).append("\"></span> 8 ")
        .append("<span style=\"background:").append(colour(12)).append("\"></span> 12+ (hover a token for its probability)</p>\n");
    if (docs.isEmpty()) {
      h.append("<p>No per-token scores in this warehouse: run <code>sparklm evaluate --tokens-table ...</code> to fill "
          + "<code>eval_tokens</code>.</p>\n");
    }
    for (Doc d : docs) {
      h.append("<h3>").append(esc(d.dataset())).append(" / ").append(esc(d.docId())).append(" — run ").append(esc(d.run()))
          .append(", step ").append(d.step()).append("</h3>\n<div class=\"doc\">");
      for (Token t : d.tokens()) {
        double bits = -t.logprob() / Math.log(2);
        h.append("<span style=\"background:").append(colour(bits)).append("\" title=\"")
            .append(esc(t.piece())).append(String.format(Locale.ROOT, ": p=%.4f, %.2f bits", Math.exp(t.logprob()), bits)).append("\">")
            .append(esc(t.piece())).append("</span>");
      }
      h.append("</div>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /** An SVG line plot of bits per byte (or NLL/token) against step, one line per run. */
  static String plot(String title, List<Point> pts, boolean bpb) {
    int w = 520;
    int hgt = 300;
    int left = 60;
    int right = 20;
    int top = 30;
    int bottom = 40;
    double minX = pts.stream().mapToLong(Point::step).min().orElse(0);
    double maxX = pts.stream().mapToLong(Point::step).max().orElse(1);
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Point p : pts) {
      double y = bpb ? p.bitsPerByte() : p.nllPerToken();
      double se = bpb && p.bpbSe() != null ? p.bpbSe() : 0;
      minY = Math.min(minY, y - se);
      maxY = Math.max(maxY, y + se);
    }
    if (maxX == minX) {
      maxX = minX + 1;
    }
    double pad = (maxY - minY) * 0.08 + 1e-9;
    minY -= pad;
    maxY += pad;
    final double x0 = minX;
    final double x1 = maxX;
    final double y0 = minY;
    final double y1 = maxY;
    java.util.function.DoubleUnaryOperator sx = x -> left + (x - x0) / (x1 - x0) * (w - left - right);
    java.util.function.DoubleUnaryOperator sy = y -> top + (1 - (y - y0) / (y1 - y0)) * (hgt - top - bottom);
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt)
        .append("\" role=\"img\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\" stroke=\"#ddd\"/>")
        .append("<text x=\"").append(left).append("\" y=\"18\" style=\"font-size:13px;font-weight:600\">").append(esc(title))
        .append("</text>");
    for (int i = 0; i <= 4; i++) {
      double y = y0 + (y1 - y0) * i / 4;
      double py = sy.applyAsDouble(y);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", left, w - right, py, py, left - 6, py + 4, fmt(y)));
    }
    Map<String, List<Point>> byRun = new LinkedHashMap<>();
    pts.stream().sorted((a, b) -> Long.compare(a.step(), b.step()))
        .forEach(p -> byRun.computeIfAbsent(p.run(), k -> new ArrayList<>()).add(p));
    java.util.TreeSet<Long> steps = new java.util.TreeSet<>();
    pts.forEach(p -> steps.add(p.step()));
    for (long st : steps) {
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>",
          sx.applyAsDouble(st), hgt - bottom + 16, st));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">training step</text>",
        (left + w - right) / 2.0, hgt - 6));
    String[] colours = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    int c = 0;
    for (Map.Entry<String, List<Point>> e : byRun.entrySet()) {
      String col = colours[c++ % colours.length];
      StringBuilder line = new StringBuilder();
      for (Point p : e.getValue()) {
        double y = bpb ? p.bitsPerByte() : p.nllPerToken();
        double px = sx.applyAsDouble(p.step());
        line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, sy.applyAsDouble(y)));
        if (bpb && p.bpbSe() != null) {
          s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", px, px,
              sy.applyAsDouble(y - p.bpbSe()), sy.applyAsDouble(y + p.bpbSe()), col));
        }
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s step %d: %s</title></circle>",
            px, sy.applyAsDouble(y), col, esc(e.getKey()), p.step(), fmt(y)));
      }
      s.append("<polyline fill=\"none\" stroke=\"").append(col).append("\" stroke-width=\"2\" points=\"")
          .append(line.toString().trim()).append("\"/>");
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\" style=\"fill:%s\">%s</text>", w - right - 90,
          top + 14 * c, col, col, esc(e.getKey())));
    }
    return s.append("</svg>\n").toString();
  }

  /** White (expected) to red (12+ bits of surprise). */
  static String colour(double bits) {
    double t = Math.max(0, Math.min(1, bits / 12));
    int g = (int) Math.round(255 - 185 * t);
    int b = (int) Math.round(255 - 205 * t);
    return String.format("#ff%02x%02x", g, b);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
