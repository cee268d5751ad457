package dev.warden.persistence.sexp;

import java.util.Arrays;

/**
 * A fixed-size, direct-mapped cache from short token bytes to their immutable value, so the
 * keys, symbols, numbers and short strings that repeat in every record are classified and
 * allocated once. Memory is constant; a collision simply replaces the slot.
 *
 * <p>Each slot's hash sits in a small {@code int[]} beside the entries, so a lookup that misses
 * (a record's unique name, say) is decided there without touching the entry, which is likely
 * not in the CPU cache: two cache misses per token were over a third of all parse time.
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
  private final int[] hashes;
  /** Hash last seen missing in each slot, for {@link #admit}. */
  private final int[] seen;
  private final int mask;

  TokenCache(int sizePowerOfTwo) {
    table = new Entry[sizePowerOfTwo];
    hashes = new int[sizePowerOfTwo];
    seen = new int[sizePowerOfTwo];
    mask = sizePowerOfTwo - 1;
  }

  Entry find(byte[] b, int from, int to, int hash) {
    int slot = slot(hash);
    if (hashes[slot] != hash) {
      return null;
    }
    Entry e = table[slot];
    if (e == null) {
      return null;
    }
    // A plain loop: tokens are a few bytes long, shorter than Arrays.equals' set-up.
    byte[] key = e.key;
    int n = to - from;
    if (key.length != n) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      if (key[i] != b[from + i]) {
        return null;
      }
    }
    return e;
  }

  /** Caches (if short enough) and returns an entry for the token in {@code b[from, to)}. */
  Entry put(byte[] b, int from, int to, int hash, SexpValue value, LegacyField field) {
    Entry e = new Entry(Arrays.copyOfRange(b, from, to), value, field);
    if (to - from <= MAX_TOKEN) {
      int slot = slot(hash);
      table[slot] = e;
      hashes[slot] = hash;
    }
    return e;
  }

  /**
   * Whether a token that just missed is worth caching: true the second time in a row that the
   * same hash misses in its slot. Tokens seen once (unique names) then cost no entry at all.
   */
  boolean admit(int hash) {
    int slot = slot(hash);
    if (seen[slot] == hash) {
      return true;
    }
    seen[slot] = hash;
    return false;
  }

  private int slot(int hash) {
    return (hash ^ (hash >>> 15)) & mask;
  }
}
