package org.sparklm.model.score;

/**
 * The text encoder for a tokenizer hash. Only the byte-level encoder is built in today; the BPE
 * tokenizer (tokenize stage) registers here when it lands.
 */
public final class Encoders {
  private Encoders() {}

  /**
   * The encoder whose {@link TextEncoder#hash()} is {@code hash}; a checkpoint without a tokenizer
   * hash (null) is byte-level.
   *
   * @throws IllegalArgumentException naming the hash when no encoder for it is available
   */
  public static TextEncoder forHash(String hash) {
    if (hash == null || hash.isEmpty() || hash.equals(ByteEncoder.HASH)) {
      return ByteEncoder.INSTANCE;
    }
    throw new IllegalArgumentException("no text encoder for tokenizer hash '" + hash + "': raw-text datasets can only "
        + "be tokenized with the byte-level encoder (hash " + ByteEncoder.HASH + ") in this build; score token shards "
        + "made by that tokenizer instead");
  }

  /** True when ids made by tokenizer {@code data} mean the same to a model trained with {@code model}. */
  public static boolean compatible(String model, String data) {
    return normalize(model).equals(normalize(data));
  }

  private static String normalize(String h) {
    return h == null || h.isEmpty() ? ByteEncoder.HASH : h;
  }
}
