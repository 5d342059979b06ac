package org.sparklm.udfs.pii;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces e-mail addresses and public IP addresses in text with placeholders, as FineWeb's PII
 * step does. Private, loopback, link-local, carrier-grade NAT, unique-local, multicast and
 * documentation addresses are left alone: they identify no one and are common in technical text.
 *
 * <p>Hand-written matching (no library covers it on the JVM): IP candidates are found with a
 * regular expression and then parsed by hand into bytes, never through {@code InetAddress.getByName},
 * which would resolve a non-literal through DNS.
 */
public final class PiiRedactor {
  private PiiRedactor() {}

  public static final String EMAIL = "<EMAIL_ADDRESS>";
  public static final String IP = "<IP_ADDRESS>";

  private static final Pattern EMAIL_RE = Pattern.compile(
      "(?<![\\w.+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
          + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}(?![\\w-])");
  private static final Pattern IPV4_RE = Pattern.compile(
      "(?<![\\w.])((?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3})(?![\\w]|\\.\\d)");
  private static final Pattern IPV6_RE = Pattern.compile(
      "(?<![\\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\\w:])");

  /** What was replaced, for counting. */
  public record Redacted(String text, int emails, int ips) {}

  /** The text with public e-mail and IP addresses replaced. */
  public static Redacted redact(String text) {
    int[] emails = {0};
    int[] ips = {0};
    String out = text;
    if (out.indexOf('@') >= 0) {
      out = replace(EMAIL_RE, out, m -> {
        emails[0]++;
        return EMAIL;
      });
    }
    if (out.indexOf('.') >= 0) {
      out = replace(IPV4_RE, out, m -> {
        byte[] b = parseV4(m.group(1));
        if (b != null && isPublic(b)) {
          ips[0]++;
          return IP;
        }
        return null;
      });
    }
    if (out.indexOf(':') >= 0) {
      out = replace(IPV6_RE, out, m -> {
        byte[] b = parseV6(m.group(1));
        if (b != null && isPublic(b)) {
          ips[0]++;
          return IP;
        }
        return null;
      });
    }
    return new Redacted(out, emails[0], ips[0]);
  }

  /** The {@code sparklm_redact_pii(text)} SQL function. */
  public static String redactText(String text) {
    return text == null ? null : redact(text).text();
  }

  private static String replace(Pattern p, String s, java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(s);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      String r = f.apply(m);
      if (r == null) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(s.length());
      }
      sb.append(s, last, m.start()).append(r);
      last = m.end();
    }
    if (sb == null) {
      return s;
    }
    return sb.append(s, last, s.length()).toString();
  }

  static byte[] parseV4(String s) {
    String[] parts = s.split("\\.");
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        return null;
      }
      b[i] = (byte) v;
    }
    return b;
  }

  /** A textual IPv6 address (no embedded IPv4, no zone) as 16 bytes, or null if it is not one. */
  static byte[] parseV6(String s) {
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] h = groups(head);
    int[] t = groups(tail);
    if (h == null || t == null) {
      return null;
    }
    int total = h.length + t.length;
    if (dbl < 0 ? total != 8 : total > 7) {
      return null;
    }
    byte[] b = new byte[16];
    for (int i = 0; i < h.length; i++) {
      b[2 * i] = (byte) (h[i] >> 8);
      b[2 * i + 1] = (byte) h[i];
    }
    for (int i = 0; i < t.length; i++) {
      int at = 8 - t.length + i;
      b[2 * at] = (byte) (t[i] >> 8);
      b[2 * at + 1] = (byte) t[i];
    }
    return b;
  }

  private static int[] groups(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 4) {
        return null;
      }
      out[i] = Integer.parseInt(parts[i], 16);
    }
    return out;
  }

  /** True for an address that can identify a host on the public internet. */
  static boolean isPublic(byte[] b) {
    InetAddress a;
    try {
      a = InetAddress.getByAddress(b); // from bytes: no name lookup
    } catch (UnknownHostException e) {
      return false;
    }
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    int b2 = b[2] & 0xFF;
    if (a instanceof Inet4Address) {
      return !(b0 == 0 || b0 >= 240                       // "this network", reserved, broadcast
          || (b0 == 100 && (b1 & 0xC0) == 64)             // 100.64.0.0/10 carrier-grade NAT
          || (b0 == 192 && b1 == 0 && b2 == 2)            // 192.0.2.0/24 documentation
          || (b0 == 198 && b1 == 51 && b2 == 100)         // 198.51.100.0/24 documentation
          || (b0 == 203 && b1 == 0 && b2 == 113)          // 203.0.113.0/24 documentation
          || (b0 == 198 && (b1 & 0xFE) == 18));           // 198.18.0.0/15 benchmarking
    }
    if (a instanceof Inet6Address) {
      return !((b0 & 0xFE) == 0xFC                         // fc00::/7 unique local
          || (b0 == 0x20 && b1 == 0x01 && b2 == 0x0D && (b[3] & 0xFF) == 0xB8) // 2001:db8::/32 documentation
          || b0 == 0);                                     // ::/8 (unspecified, mapped, compatible)
    }
    return false;
  }
}
