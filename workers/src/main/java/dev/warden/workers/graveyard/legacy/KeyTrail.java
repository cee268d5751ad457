package dev.warden.workers.graveyard.legacy;

/**
 * The keys of the last record read, by position: the next record's key at the same position
 * is usually the same token, recognised by comparing two masked words with no hashing and no
 * byte loop. Filled from {@link TokenCache} hits, so each value is the one the cache (and so
 * the general path) gives for the same bytes.
 */
final class KeyTrail {

  /** Positions (element indexes) remembered; later keys go through the token cache. */
  static final int POSITIONS = 32;

  private final long[] first = new long[POSITIONS];
  private final long[] second = new long[POSITIONS];
  private final long[] firstMask = new long[POSITIONS];
  private final long[] secondMask = new long[POSITIONS];
  /** Token length at each position; 0 while none is known. */
  private final int[] lengths = new int[POSITIONS];
  private final SexpValue[] values = new SexpValue[POSITIONS];
  private final byte[] codes = new byte[POSITIONS];

  /**
   * Length of the token at {@code b[from]} if it is the one remembered at {@code index} and
   * ends before {@code stop}; else 0.
   */
  int match(byte[] b, int from, int stop, int index) {
    if (index >= POSITIONS) {
      return 0;
    }
    int n = lengths[index];
    int end = from + n;
    if (n == 0 || end >= stop || from + 2 * Long.BYTES > b.length
        || (Words.at(b, from) & firstMask[index]) != first[index]
        || (Words.at(b, from + 8) & secondMask[index]) != second[index]
        || Bytes.CLASS[b[end] & 0xff] == Bytes.CONSTITUENT) {
      return 0;
    }
    return n;
  }

  SexpValue value(int index) {
    return values[index];
  }

  byte code(int index) {
    return codes[index];
  }

  /**
   * Remembers the token {@code b[from, from + n)} (1..{@value TokenCache#MAX_TOKEN} bytes,
   * with {@code from + 16 <= b.length}) at {@code index}, with its value and field code.
   */
  void remember(int index, byte[] b, int from, int n, SexpValue value, byte code) {
    if (index >= POSITIONS) {
      return;
    }
    long m0 = n >= 8 ? -1L : Words.low(-1L, n);
    long m1 = n >= 16 ? -1L : n <= 8 ? 0L : Words.low(-1L, n - 8);
    firstMask[index] = m0;
    secondMask[index] = m1;
    first[index] = Words.at(b, from) & m0;
    second[index] = Words.at(b, from + 8) & m1;
    lengths[index] = n;
    values[index] = value;
    codes[index] = code;
  }
}
