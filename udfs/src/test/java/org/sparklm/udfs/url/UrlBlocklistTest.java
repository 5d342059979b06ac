package org.sparklm.udfs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UrlBlocklistTest {
  @Test
  void domainsBlockTheirSubdomainsOnly() throws Exception {
    UrlBlocklist b = UrlBlocklist.read(new ByteArrayInputStream(
        "# test\nbad.example\n*.spam.test\n~/casino/\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(3, b.size());
    assertEquals("domain:bad.example", b.match("https://bad.example/page"));
    assertEquals("domain:bad.example", b.match("http://WWW.Bad.Example.:8080/x?y"));
    assertEquals("domain:spam.test", b.match("http://a.b.spam.test/"));
    assertNull(b.match("https://notbad.example/"));
    assertNull(b.match("https://bad.example.org/"));
    assertEquals("substring:/casino/", b.match("https://games.test/Casino/slots"));
    assertNull(b.match(null));
  }

  @Test
  void malformedUrlsStillHaveHosts() {
    assertEquals("bad.example", UrlBlocklist.host("http://user@bad.example:81/a b c"));
  }

  @Test
  void bundledListIsLoaded() {
    assertTrue(UrlBlocklist.bundled().size() > 5);
    assertEquals("domain:pornhub.com", UrlBlocklist.blocked("https://www.pornhub.com/"));
    assertNull(UrlBlocklist.blocked("https://docs.python.org/3/library/index.html"));
  }
}
