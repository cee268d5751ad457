package dev.warden.persistence.sexp;

import java.util.Arrays;

/**
 * A fixed-size, direct-mapped cache from short token bytes to their immutable value, so the
 * keys, symbols, numbers and short strings that repeat in every record are classified and
 * allocated once. Memory is constant; a collision simply replaces the slot.
 */
final class TokenCache {

  /** Tokens longer than this are not cached. */
  static final int MAX_TOKEN = 32;

  /** A cached token: its bytes, its value, and the known field it names (keywords only). */
  static final class Entry {
    final byte[] key;
    final SexpValue value;
    final LegacyField field;

    Entry(byte[] key, SexpValue value, LegacyField field) {
      this.key = key;
      this.value = value;
      this.field = field;
    }
  }

  private final Entry[] table;
  private final int mask;

  TokenCache(int sizePowerOfTwo) {
    table = new Entry[sizePowerOfTwo];
    mask = sizePowerOfTwo - 1;
  }

  Entry find(byte[] b, int from, int to, int hash) {
    Entry e = table[slot(hash)];
    if (e != null && Arrays.equals(e.key, 0, e.key.length, b, from, to)) {
      return e;
    }
    return null;
  }

  Entry put(byte[] b, int from, int to, int hash, SexpValue value, LegacyField field) {
    Entry e = new Entry(Arrays.copyOfRange(b, from, to), value, field);
    if (to - from <= MAX_TOKEN) {
      table[slot(hash)] = e;
    }
    return e;
  }

  private int slot(int hash) {
    return (hash ^ (hash >>> 15)) & mask;
  }
}
