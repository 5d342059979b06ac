package org.sparklm.model.tokenizer;

/**
 * Splits text into pre-tokens exactly as GPT-2's regex does (Hugging Face's {@code ByteLevel}
 * pre-tokenizer with {@code use_regex: true}):
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * with {@code \s} as Unicode White_Space (Oniguruma's meaning, which the Rust library uses).
 *
 * <p>Hand-written rather than {@code java.util.regex}: the regex engine backtracks on
 * {@code \s+(?!\S)} and allocates a matcher state per call, and pre-tokenizing is most of the
 * encoder's time. The rules below are the regex's alternatives in order; {@code
 * PreTokenizerTest} checks them against the regex itself, and the tokenizer check command against
 * the Rust library on whole corpora.
 */
public final class PreTokenizer {
  private PreTokenizer() {}

  static final int LETTER = 0;
  static final int NUMBER = 1;
  static final int SPACE = 2;
  static final int OTHER = 3;

  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII[c] = (byte) classify(c);
    }
  }

  /** The regex as Java writes it, for tests: the same classes, spelled out. */
  public static final String REGEX =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\p{IsWhite_Space}\\p{L}\\p{N}]+"
          + "|\\p{IsWhite_Space}+(?!\\P{IsWhite_Space})|\\p{IsWhite_Space}+";

  /** The end (exclusive) of the pre-token that starts at {@code p} in {@code s} ({@code p < n}). */
  public static int end(CharSequence s, int p, int n) {
    char c = s.charAt(p);
    if (c == '\'' && p + 1 < n) {
      char d = s.charAt(p + 1);
      if (d == 's' || d == 't' || d == 'm' || d == 'd') {
        return p + 2;
      }
      if (p + 2 < n) {
        char e = s.charAt(p + 2);
        if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) {
          return p + 3;
        }
      }
    }
    int start = p;
    int k;
    if (c == ' ' && p + 1 < n) {
      int k2 = classAt(s, p + 1);
      if (k2 != SPACE) {
        return run(s, p + 1, n, k2);
      }
      k = SPACE;
    } else {
      k = classAt(s, p);
    }
    if (k != SPACE) {
      return run(s, start, n, k);
    }
    // \s+(?!\S) takes the whole run at the end of the text, else the run less its last
    // character (that one starts the next pre-token); a single space char before \S is \s+.
    int e = p + 1;
    while (e < n && classAt(s, e) == SPACE) {
      e++; // every White_Space character is one UTF-16 unit
    }
    if (e == n || e - p == 1) {
      return e;
    }
    return e - 1;
  }

  private static int run(CharSequence s, int p, int n, int k) {
    int i = p;
    while (i < n) {
      char c = s.charAt(i);
      if (c < 128) {
        if (ASCII[c] != k) {
          break;
        }
        i++;
      } else {
        int cp = c;
        int len = 1;
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          cp = Character.toCodePoint(c, s.charAt(i + 1));
          len = 2;
        }
        if (classify(cp) != k) {
          break;
        }
        i += len;
      }
    }
    return i;
  }

  private static int classAt(CharSequence s, int i) {
    char c = s.charAt(i);
    if (c < 128) {
      return ASCII[c];
    }
    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      return classify(Character.toCodePoint(c, s.charAt(i + 1)));
    }
    return classify(c);
  }

  static int classify(int cp) {
    if (isWhiteSpace(cp)) {
      return SPACE;
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
           Character.MODIFIER_LETTER, Character.OTHER_LETTER:
        return LETTER;
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
        return NUMBER;
      default:
        return OTHER;
    }
  }

  /** Unicode's White_Space property (PropList.txt), which is what Oniguruma's {@code \s} matches. */
  static boolean isWhiteSpace(int c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
  }

  /** Calls {@code sink} with the [start, end) range of every pre-token of {@code s}. */
  public static void split(CharSequence s, RangeSink sink) {
    int n = s.length();
    int p = 0;
    while (p < n) {
      int e = end(s, p, n);
      sink.accept(p, e);
      p = e;
    }
  }

  /** Receives pre-token ranges. */
  @FunctionalInterface
  public interface RangeSink {
    void accept(int start, int end);
  }
}
