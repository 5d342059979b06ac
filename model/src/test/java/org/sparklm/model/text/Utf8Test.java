package org.sparklm.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void countsWhatTheEncoderWrites() {
    for (String s : List.of("", "plain ASCII", "déjà vu – “quotes”", "日本語のテキスト", "emoji 😀 and 𝄞 clef", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
      assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s), s);
    }
  }

  @Test
  void anUnpairedSurrogateCountsAsAReplacementCharacter() {
    assertEquals(1 + 3 + 1, Utf8.length("a\ud800b"));
    assertEquals(3, Utf8.length("\udc00"));
  }
}
