package org.sparklm.udfs.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PiiRedactorTest {
  @Test
  void emailsAndPublicAddressesAreReplaced() {
    PiiRedactor.Redacted r = PiiRedactor.redact(
        "Write to jane.doe+news@mail.example.org or ops@python.org. Server 8.8.8.8 and 2606:4700:4700::1111 answered.");
    assertEquals("Write to <EMAIL_ADDRESS> or <EMAIL_ADDRESS>. Server <IP_ADDRESS> and <IP_ADDRESS> answered.", r.text());
    assertEquals(2, r.emails());
    assertEquals(2, r.ips());
  }

  @Test
  void privateAndSpecialAddressesStay() {
    String text = "Bind to 127.0.0.1, 10.1.2.3, 192.168.0.10, 172.16.5.4, 100.64.1.1, 169.254.0.1, 0.0.0.0, "
        + "192.0.2.7, ::1, fe80::1, fd00::42 and 2001:db8::1.";
    assertEquals(text, PiiRedactorTest.redact(text));
  }

  @Test
  void versionNumbersTimesAndCodeAreNotAddresses() {
    String text = "Python 3.11.4 on 2023.05.06 at 12:30:45; see std::vector and a::b::c; version 1.2.3.4.5 and 300.1.1.1.";
    assertEquals(text, redact(text));
  }

  @Test
  void sqlFunctionHandlesNull() {
    assertNull(PiiRedactor.redactText(null));
  }

  static String redact(String s) {
    return PiiRedactor.redactText(s);
  }
}
