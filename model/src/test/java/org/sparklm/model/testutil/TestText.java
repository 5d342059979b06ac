package org.sparklm.model.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Real English text from the test resources, as byte ids (vocab 256): no tokenizer needed. */
public final class TestText {
  private TestText() {}

  public static int[] brownBytes() {
    try (InputStream in = TestText.class.getResourceAsStream("/text/brown-sample.txt")) {
      byte[] b = in.readAllBytes();
      int[] ids = new int[b.length];
      for (int i = 0; i < b.length; i++) {
        ids[i] = b[i] & 0xff;
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
