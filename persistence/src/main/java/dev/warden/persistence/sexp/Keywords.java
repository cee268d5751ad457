package dev.warden.persistence.sexp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The known keys as the legacy printer writes them (upper case), recognised straight from
 * bytes: half the tokens of a record are these keys, and a fixed table of a dozen entries stays
 * in the CPU cache where the general {@link TokenCache}'s entries, spread over the heap, did not
 * (the profile showed its first entry read as the parse's top stall). Any other spelling
 * ({@code :sl}) still goes through the general path, with the same result.
 */
final class Keywords {

  private static final int MAX = 16;
  private static final TokenCache.Entry[][] BY_LENGTH = new TokenCache.Entry[MAX][];

  static {
    for (int n = 0; n < MAX; n++) {
      BY_LENGTH[n] = new TokenCache.Entry[0];
    }
    for (LegacyField f : LegacyField.values()) {
      byte[] key = f.keyword().getBytes(StandardCharsets.ISO_8859_1);
      TokenCache.Entry e = new TokenCache.Entry(key, 0, new SexpSymbol(f.keyword()), f);
      TokenCache.Entry[] old = BY_LENGTH[key.length];
      TokenCache.Entry[] grown = Arrays.copyOf(old, old.length + 1);
      grown[old.length] = e;
      BY_LENGTH[key.length] = grown;
    }
  }

  private Keywords() {}

  /** The entry of the known key written exactly as {@code b[from, to)}, or null. */
  static TokenCache.Entry find(byte[] b, int from, int to) {
    int n = to - from;
    if (n >= MAX || b[from] != ':') {
      return null;
    }
    for (TokenCache.Entry e : BY_LENGTH[n]) {
      if (Arrays.equals(e.key, 0, n, b, from, to)) {
        return e;
      }
    }
    return null;
  }
}
