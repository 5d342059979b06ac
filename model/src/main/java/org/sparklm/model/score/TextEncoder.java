package org.sparklm.model.score;

/**
 * Turns raw text into the token ids a checkpoint was trained on, for held-out sets that come as
 * text (JSONL, plain text, Parquet) rather than as token shards. The tokenizer a checkpoint was
 * trained with is named by its {@link #hash()}, which checkpoints ({@code state.json}'s
 * {@code tokenizer_hash}) and token shards ({@code manifest.json}) record; evaluation refuses to
 * score ids made by one tokenizer with a model trained on another.
 *
 * <p>Implementations must be thread-safe (Spark runs several tasks per executor JVM) and
 * rebuildable on any executor: {@link Encoders#forCheckpoint} loads them from the checkpoint itself.
 */
public interface TextEncoder {
  /** The ids of {@code text}, with no special tokens added. */
  int[] encode(String text);

  /** Identifies the tokenizer: equal hashes mean equal ids for every text. */
  String hash();

  /** Every id is below this. */
  int vocabSize();

  /** How many bytes of UTF-8 text token {@code id} stands for (bits per byte counts these). */
  int byteLength(int id);

  /** The token's text for display (the report's per-token view); not necessarily valid UTF-8 alone. */
  String piece(int id);

  /**
   * The id put before a document so that its first token is scored too (GPT-2's
   * {@code <|endoftext|>}, lm-eval's prefix token), or -1 when the vocabulary has none; then a
   * document's first token is context only and is not scored.
   */
  int bos();
}
