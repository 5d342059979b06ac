package org.sparklm.jobs.tokenize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which split a document goes to, from its {@code doc_id} alone: the first 8 bytes of
 * SHA-256(doc_id) as a fraction in [0, 1). Stable across runs, machines and languages
 * ({@code sha2(doc_id, 256)} in SQL gives the same bytes), so a document stays in heldout/
 * however the corpus grows.
 */
public final class DocSplit {
  private DocSplit() {}

  public static final int TRAIN = 0;
  public static final int VAL = 1;
  public static final int HELDOUT = 2;
  public static final String[] NAMES = {"train", "val", "heldout"};

  /** The 64-bit hash of a doc id. */
  public static long hash(String docId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(docId.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** val if the hash fraction is below {@code val}, heldout if below {@code val + heldout}, else train. */
  public static int of(long hash, double val, double heldout) {
    double u = (hash >>> 11) * 0x1.0p-53;
    if (u < val) {
      return VAL;
    }
    return u < val + heldout ? HELDOUT : TRAIN;
  }
}
