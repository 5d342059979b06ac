package org.sparklm.jobs.common;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints a query result as an aligned text table, CSV (RFC 4180) or JSON Lines. */
public final class ResultPrinter {
  private ResultPrinter() {}

  public enum Format { table, csv, json }

  /** Longest cell shown in table format; csv and json are never cut. */
  static final int MAX_CELL = 80;

  public static void print(Dataset<Row> df, Format format, int maxRows, PrintStream out) {
    if (format == Format.json) {
      for (String line : df.limit(maxRows).toJSON().collectAsList()) {
        out.println(line);
      }
      return;
    }
    String[] cols = df.columns();
    List<Row> rows = df.limit(maxRows).collectAsList();
    List<String[]> cells = new ArrayList<>();
    for (Row r : rows) {
      String[] c = new String[cols.length];
      for (int i = 0; i < cols.length; i++) {
        Object v = r.get(i);
        c[i] = v == null ? (format == Format.csv ? "" : "NULL") : cell(v);
      }
      cells.add(c);
    }
    if (format == Format.csv) {
      out.println(csvLine(cols));
      for (String[] c : cells) {
        out.println(csvLine(c));
      }
      return;
    }
    int[] w = new int[cols.length];
    for (int i = 0; i < cols.length; i++) {
      w[i] = cols[i].length();
    }
    for (String[] c : cells) {
      for (int i = 0; i < c.length; i++) {
        c[i] = c[i].replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        if (c[i].length() > MAX_CELL) {
          c[i] = c[i].substring(0, MAX_CELL - 3) + "...";
        }
        w[i] = Math.max(w[i], c[i].length());
      }
    }
    String sep = separator(w);
    out.println(sep);
    out.println(line(cols, w, df));
    out.println(sep);
    for (String[] c : cells) {
      out.println(line(c, w, df));
    }
    out.println(sep);
    out.println(rows.size() + (rows.size() == 1 ? " row" : " rows") + (rows.size() == maxRows ? " (limit reached)" : ""));
  }

  private static String cell(Object v) {
    if (v instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s).toString();
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format("%.1f", d) : String.format("%.6g", d);
    }
    return String.valueOf(v);
  }

  private static String separator(int[] w) {
    StringBuilder sb = new StringBuilder("+");
    for (int x : w) {
      sb.append("-".repeat(x + 2)).append('+');
    }
    return sb.toString();
  }

  private static String line(String[] c, int[] w, Dataset<Row> df) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < c.length; i++) {
      boolean numeric = df.schema().fields()[i].dataType() instanceof org.apache.spark.sql.types.NumericType;
      String pad = " ".repeat(w[i] - c[i].length());
      sb.append(' ').append(numeric ? pad + c[i] : c[i] + pad).append(" |");
    }
    return sb.toString();
  }

  private static String csvLine(String[] c) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String v = c[i];
      if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.toString();
  }
}
