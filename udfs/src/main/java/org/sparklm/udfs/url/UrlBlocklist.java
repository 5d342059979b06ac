package org.sparklm.udfs.url;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Drops documents by URL: a blocked domain blocks itself and every subdomain ({@code example.com}
 * blocks {@code www.example.com}); a blocked substring blocks every URL that holds it,
 * case-insensitively. The list is a text file, one entry a line:
 * <pre>
 * # comment
 * example.com        a domain
 * ~/casino/          a URL substring (the part after '~')
 * </pre>
 * sparklm ships a short default list ({@code default-blocklist.txt}); {@code clean.url_blocklist.file}
 * names another (e.g. the UT1 adult list FineWeb used).
 */
public final class UrlBlocklist implements java.io.Serializable {
  private final Set<String> domains;
  private final List<String> substrings;

  public UrlBlocklist(Set<String> domains, List<String> substrings) {
    this.domains = Set.copyOf(domains);
    this.substrings = List.copyOf(substrings);
  }

  public static UrlBlocklist read(InputStream in) throws IOException {
    Set<String> domains = new HashSet<>();
    List<String> subs = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String e = line.strip().toLowerCase(Locale.ROOT);
        if (e.isEmpty() || e.startsWith("#")) {
          continue;
        }
        if (e.startsWith("~")) {
          if (e.length() > 1) {
            subs.add(e.substring(1));
          }
        } else {
          domains.add(e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e);
        }
      }
    }
    return new UrlBlocklist(domains, subs);
  }

  private static volatile UrlBlocklist bundled;

  /** The default list shipped in this jar. */
  public static UrlBlocklist bundled() {
    UrlBlocklist b = bundled;
    if (b == null) {
      try (InputStream in = UrlBlocklist.class.getResourceAsStream("default-blocklist.txt")) {
        b = read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bundled = b;
    }
    return b;
  }

  public int size() {
    return domains.size() + substrings.size();
  }

  /** The entry that blocks {@code url} ({@code domain:...} or {@code substring:...}), or null. */
  public String match(String url) {
    if (url == null || url.isEmpty()) {
      return null;
    }
    String host = host(url);
    if (host != null) {
      for (String h = host; ; ) {
        if (domains.contains(h)) {
          return "domain:" + h;
        }
        int dot = h.indexOf('.');
        if (dot < 0) {
          break;
        }
        h = h.substring(dot + 1);
      }
    }
    if (!substrings.isEmpty()) {
      String lower = url.toLowerCase(Locale.ROOT);
      for (String s : substrings) {
        if (lower.contains(s)) {
          return "substring:" + s;
        }
      }
    }
    return null;
  }

  /** The lower-cased host of {@code url}, without a trailing dot, or null if it has none. */
  static String host(String url) {
    String h = null;
    try {
      h = URI.create(url.strip()).getHost();
    } catch (IllegalArgumentException e) {
      // not a strict URI (spaces, bad escapes): fall back to cutting by hand
    }
    if (h == null) {
      int s = url.indexOf("://");
      String rest = s >= 0 ? url.substring(s + 3) : url;
      int end = 0;
      while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
        end++;
      }
      h = rest.substring(0, end);
      int at = h.lastIndexOf('@');
      if (at >= 0) {
        h = h.substring(at + 1);
      }
      int colon = h.lastIndexOf(':');
      if (colon >= 0 && !h.endsWith("]")) {
        h = h.substring(0, colon);
      }
    }
    h = h.toLowerCase(Locale.ROOT);
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.isEmpty() ? null : h;
  }

  /** The {@code sparklm_url_blocked(url)} SQL function with the bundled list: the matching entry or null. */
  public static String blocked(String url) {
    return bundled().match(url);
  }
}
