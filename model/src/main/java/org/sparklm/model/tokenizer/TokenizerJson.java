package org.sparklm.model.tokenizer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code tokenizer.json} for a byte-level BPE: what {@code train-tokenizer} writes
 * and {@link BpeTokenizer} reads. The layout is GPT-2's: a {@code BPE} model whose vocabulary is
 * byte-level strings, a {@code ByteLevel} pre-tokenizer (GPT-2 regex, no prefix space) and
 * decoder, and special tokens as {@code added_tokens} with {@code special: true}. The Rust library
 * (DJL's {@code ai.djl.huggingface:tokenizers}, Python's {@code tokenizers}) loads it unchanged.
 *
 * <p>Ids: 0..255 are the bytes, then one id per merge in merge order, then the special tokens.
 */
public final class TokenizerJson {
  private TokenizerJson() {}

  public static final String FILE_NAME = "tokenizer.json";
  public static final String END_OF_TEXT = "<|endoftext|>";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The {@code tokenizer.json} bytes for {@code merges} (pairs of ids; merge {@code r} makes id
   * {@code 256 + r}) and {@code specialTokens} (ids after the merges, in order).
   */
  public static byte[] write(List<int[]> merges, List<String> specialTokens) {
    int n = 256 + merges.size();
    String[] tokens = new String[n];
    for (int b = 0; b < 256; b++) {
      tokens[b] = String.valueOf(ByteLevel.charOf(b));
    }
    for (int r = 0; r < merges.size(); r++) {
      tokens[256 + r] = tokens[merges.get(r)[0]] + tokens[merges.get(r)[1]];
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("version", "1.0");
      g.writeNullField("truncation");
      g.writeNullField("padding");
      g.writeArrayFieldStart("added_tokens");
      for (int i = 0; i < specialTokens.size(); i++) {
        g.writeStartObject();
        g.writeNumberField("id", n + i);
        g.writeStringField("content", specialTokens.get(i));
        g.writeBooleanField("single_word", false);
        g.writeBooleanField("lstrip", false);
        g.writeBooleanField("rstrip", false);
        g.writeBooleanField("normalized", false);
        g.writeBooleanField("special", true);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNullField("normalizer");
      writeByteLevel(g, "pre_tokenizer");
      g.writeNullField("post_processor");
      writeByteLevel(g, "decoder");
      g.writeObjectFieldStart("model");
      g.writeStringField("type", "BPE");
      g.writeNullField("dropout");
      g.writeNullField("unk_token");
      g.writeNullField("continuing_subword_prefix");
      g.writeNullField("end_of_word_suffix");
      g.writeBooleanField("fuse_unk", false);
      g.writeBooleanField("byte_fallback", false);
      g.writeObjectFieldStart("vocab");
      for (int id = 0; id < n; id++) {
        g.writeNumberField(tokens[id], id);
      }
      for (int i = 0; i < specialTokens.size(); i++) {
        g.writeNumberField(specialTokens.get(i), n + i);
      }
      g.writeEndObject();
      g.writeArrayFieldStart("merges");
      for (int[] m : merges) {
        g.writeString(tokens[m[0]] + " " + tokens[m[1]]);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // writing to memory
    }
    return buf.toByteArray();
  }

  private static void writeByteLevel(JsonGenerator g, String field) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeStringField("type", "ByteLevel");
    g.writeBooleanField("add_prefix_space", false);
    g.writeBooleanField("trim_offsets", true);
    g.writeBooleanField("use_regex", true);
    g.writeEndObject();
  }

  /** Parses a byte-level BPE {@code tokenizer.json}; anything else is rejected with the reason. */
  static BpeTokenizer read(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException("tokenizer.json: model.type must be BPE, got '" + model.path("type").asText() + "'");
    }
    JsonNode pre = root.path("pre_tokenizer");
    if (!"ByteLevel".equals(pre.path("type").asText()) || pre.path("add_prefix_space").asBoolean(true)
        || !pre.path("use_regex").asBoolean(true)) {
      throw new IllegalArgumentException("tokenizer.json: only a ByteLevel pre_tokenizer with add_prefix_space=false and "
          + "use_regex=true is supported (what train-tokenizer writes), got " + pre);
    }
    if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) {
      throw new IllegalArgumentException("tokenizer.json: a normalizer is not supported, got " + root.path("normalizer"));
    }
    Map<String, Integer> vocab = new HashMap<>();
    int maxId = -1;
    for (var it = model.path("vocab").fields(); it.hasNext(); ) {
      var e = it.next();
      int id = e.getValue().asInt();
      vocab.put(e.getKey(), id);
      maxId = Math.max(maxId, id);
    }
    Map<String, Integer> specials = new LinkedHashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      int id = t.path("id").asInt();
      specials.put(t.path("content").asText(), id);
      maxId = Math.max(maxId, id);
    }
    byte[][] idBytes = new byte[maxId + 1][];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      if (!specials.containsKey(e.getKey())) {
        idBytes[e.getValue()] = ByteLevel.decode(e.getKey());
      }
    }
    for (Map.Entry<String, Integer> e : specials.entrySet()) {
      idBytes[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
    }
    for (int i = 0; i < idBytes.length; i++) {
      if (idBytes[i] == null) {
        throw new IllegalArgumentException("tokenizer.json: id " + i + " is missing from the vocabulary (ids must be 0.." + maxId + ")");
      }
    }
    int[] byteToId = new int[256];
    for (int b = 0; b < 256; b++) {
      Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
      if (id == null) {
        throw new IllegalArgumentException("tokenizer.json: the vocabulary lacks the token for byte " + b + ": not a byte-level BPE");
      }
      byteToId[b] = id;
    }
    JsonNode ms = model.path("merges");
    int[][] merges = new int[ms.size()][];
    int[] mergedId = new int[ms.size()];
    for (int r = 0; r < ms.size(); r++) {
      JsonNode m = ms.get(r);
      String left;
      String right;
      if (m.isArray()) {
        left = m.get(0).asText();
        right = m.get(1).asText();
      } else {
        String s = m.asText();
        int sp = s.indexOf(' ');
        if (sp <= 0) {
          throw new IllegalArgumentException("tokenizer.json: merge " + r + " is not 'left right': '" + s + "'");
        }
        left = s.substring(0, sp);
        right = s.substring(sp + 1);
      }
      Integer a = vocab.get(left);
      Integer b = vocab.get(right);
      Integer c = vocab.get(left + right);
      if (a == null || b == null || c == null) {
        throw new IllegalArgumentException("tokenizer.json: merge " + r + " ('" + left + "' '" + right + "') uses a token not in the vocabulary");
      }
      merges[r] = new int[] {a, b};
      mergedId[r] = c;
    }
    return new BpeTokenizer(byteToId, merges, mergedId, idBytes, specials, END_OF_TEXT, sha256(json));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
