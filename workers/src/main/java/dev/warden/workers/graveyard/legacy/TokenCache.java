package dev.warden.workers.graveyard.legacy;

/**
 * A fixed-size, two-way set-associative cache from short token bytes to their immutable value,
 * so the keys, symbols, numbers and short strings that repeat in every record are classified
 * and allocated once. Memory is constant; a new token displaces the older of its set's two.
 * (Direct-mapped, the bench file's ~800 distinct numbers collided in pairs that kept evicting
 * each other: about one token in nine records went the slow way, parsed and allocated anew.)
 *
 * <p>A token of up to {@value #MAX_TOKEN} bytes is its own key: two little-endian words and a
 * length, read straight from the input with two loads, hashed and compared as numbers, held
 * in primitive arrays (no object per slot). Hashing byte by byte and comparing byte arrays
 * behind entry objects was over a third of all parse time.
 *
 * <p>Not thread-safe: {@link #find} remembers the key it computed for the {@link #put} or
 * {@link #admit} that follows a miss.
 */
final class TokenCache {

  /** Tokens longer than this are not cached. */
  static final int MAX_TOKEN = 16;

  private final long[] words;
  /** Length + 1 of each slot's token; 0 marks an empty slot. */
  private final byte[] lengths;
  private final SexpValue[] values;
  private final LegacyField[] fields;
  private final byte[] codes;
  /** Hash last seen missing in each slot, for {@link #admit}. */
  private final int[] seen;
  private final int mask;

  private long w0;
  private long w1;
  private int length;
  private int hash;
  private int tokenLength;

  TokenCache(int sizePowerOfTwo) {
    words = new long[2 * sizePowerOfTwo];
    lengths = new byte[sizePowerOfTwo];
    values = new SexpValue[sizePowerOfTwo];
    fields = new LegacyField[sizePowerOfTwo];
    codes = new byte[sizePowerOfTwo];
    seen = new int[sizePowerOfTwo];
    mask = sizePowerOfTwo - 1;
  }

  /** The slot holding the token in {@code b[from, to)}, or -1 (always for a longer token). */
  int find(byte[] b, int from, int to) {
    int n = to - from;
    length = n;
    if (n > MAX_TOKEN) {
      return -1;
    }
    return find(word(b, from, Math.min(n, 8)), n > 8 ? word(b, from + 8, n - 8) : 0L, n);
  }

  /**
   * The slot holding the token of {@code n} (at most {@value #MAX_TOKEN}) bytes whose words,
   * read as {@link #find(byte[], int, int)} reads them, are {@code a} and {@code c}; or -1.
   * Remembers the key for {@link #put} and {@link #admit} just the same.
   */
  int find(long a, long c, int n) {
    length = n;
    w0 = a;
    w1 = c;
    int hv = hash(a, c, n);
    hash = hv;
    return lookup(a, c, n, hv);
  }

  /**
   * The slot holding the atom that starts at {@code b[from]} (a constituent byte), found with
   * two word loads and no byte loop, or -1 when it is not that simple: not cached, longer than
   * {@value #MAX_TOKEN} bytes, holding a constituent below {@code 0x2A} ({@code !#$%&'} or a
   * control byte), not ended by a delimiter before {@code stop}, or too near the array's end.
   * On a hit, {@link #tokenLength} is its length. Leaves the state {@link #put} uses alone.
   */
  int findAtom(byte[] b, int from, int stop) {
    if (from + 2 * Long.BYTES > b.length) {
      return -1;
    }
    long a = Words.at(b, from);
    long c = 0L;
    int n;
    long m = Words.belowStar(a);
    if (m != 0) {
      n = Words.first(m);
      a = Words.low(a, n);
    } else {
      c = Words.at(b, from + 8);
      m = Words.belowStar(c);
      if (m == 0) {
        return -1;
      }
      n = 8 + Words.first(m);
      c = Words.low(c, n - 8);
    }
    int end = from + n;
    if (end >= stop || Bytes.CLASS[b[end] & 0xff] == Bytes.CONSTITUENT) {
      return -1;
    }
    tokenLength = n;
    return lookup(a, c, n, hash(a, c, n));
  }

  /** Length of the token {@link #findAtom} last found. */
  int tokenLength() {
    return tokenLength;
  }

  private static int hash(long a, long c, int n) {
    long h = (a * 0x9E3779B97F4A7C15L) ^ (c * 0xC2B2AE3D27D4EB4FL) ^ n;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private int lookup(long a, long c, int n, int hv) {
    int slot = hv & mask & ~1;
    if (lengths[slot] == n + 1 && words[2 * slot] == a && words[2 * slot + 1] == c) {
      return slot;
    }
    slot++;
    if (lengths[slot] == n + 1 && words[2 * slot] == a && words[2 * slot + 1] == c) {
      return slot;
    }
    return -1;
  }

  SexpValue value(int slot) {
    return values[slot];
  }

  LegacyField field(int slot) {
    return fields[slot];
  }

  /** {@link LegacyRecord#fieldCode} of the slot's field. */
  byte code(int slot) {
    return codes[slot];
  }

  /** Caches the token of the last {@link #find} that missed, if it is short enough. */
  void put(SexpValue value, LegacyField field) {
    if (length > MAX_TOKEN) {
      return;
    }
    int slot = hash & mask & ~1;
    // the newest entry goes first, the one it displaces second; the older second one goes
    words[2 * slot + 2] = words[2 * slot];
    words[2 * slot + 3] = words[2 * slot + 1];
    lengths[slot + 1] = lengths[slot];
    values[slot + 1] = values[slot];
    fields[slot + 1] = fields[slot];
    codes[slot + 1] = codes[slot];
    words[2 * slot] = w0;
    words[2 * slot + 1] = w1;
    lengths[slot] = (byte) (length + 1);
    values[slot] = value;
    fields[slot] = field;
    codes[slot] = LegacyRecord.fieldCode(field);
  }

  /**
   * Whether the token of the last {@link #find} that missed is worth caching: true the second
   * time in a row that its key misses in its slot. Tokens seen once (unique names) then cost
   * nothing to cache.
   */
  boolean admit() {
    if (length > MAX_TOKEN) {
      return false;
    }
    int slot = hash & mask;
    if (seen[slot] == hash) {
      return true;
    }
    seen[slot] = hash;
    return false;
  }

  /** {@code n} (0..8) bytes from {@code b[at]} as a little-endian word, the rest zero. */
  private static long word(byte[] b, int at, int n) {
    if (at + 8 <= b.length) {
      return Words.prefix(b, at, n);
    }
    long w = 0;
    for (int i = n - 1; i >= 0; i--) {
      w = (w << 8) | (b[at + i] & 0xffL);
    }
    return w;
  }
}
