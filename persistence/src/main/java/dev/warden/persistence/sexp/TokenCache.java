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
    final int hash;
    final SexpValue value;
    final LegacyField field;
    /** Found again since it was cached or last spared: a one-off token does not evict it. */
    boolean hot;

    Entry(byte[] key, int hash, SexpValue value, LegacyField field) {
      this.key = key;
      this.hash = hash;
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

  /**
   * The cached entry for {@code b[from, to)}, or null. Compares the hash and length before any
   * byte: a miss (unique names, say) usually costs one int compare.
   */
  Entry find(byte[] b, int from, int to, int hash) {
    Entry e = table[slot(hash)];
    if (e == null || e.hash != hash) {
      return null;
    }
    byte[] k = e.key;
    int n = to - from;
    if (k.length != n) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      if (k[i] != b[from + i]) {
        return null;
      }
    }
    e.hot = true;
    return e;
  }

  /**
   * Caches a value unless its slot holds a token found again since it was cached (a one-off
   * token, such as a record's unique name, would otherwise evict the keys and symbols that
   * repeat in every record); such an entry is spared once. Returns an entry for the value,
   * cached or not.
   */
  Entry put(byte[] b, int from, int to, int hash, SexpValue value, LegacyField field) {
    if (!admit(to - from, hash)) {
      return new Entry(null, hash, value, field);
    }
    Entry e = new Entry(Arrays.copyOfRange(b, from, to), hash, value, field);
    table[slot(hash)] = e;
    return e;
  }

  /** Like {@link #put} for a caller that needs nothing back: allocates nothing when not cached. */
  void offer(byte[] b, int from, int to, int hash, SexpValue value) {
    if (admit(to - from, hash)) {
      table[slot(hash)] = new Entry(Arrays.copyOfRange(b, from, to), hash, value, null);
    }
  }

  private boolean admit(int length, int hash) {
    if (length > MAX_TOKEN) {
      return false;
    }
    Entry old = table[slot(hash)];
    if (old != null && old.hot) {
      old.hot = false;
      return false;
    }
    return true;
  }

  private int slot(int hash) {
    return (hash ^ (hash >>> 15)) & mask;
  }
}
