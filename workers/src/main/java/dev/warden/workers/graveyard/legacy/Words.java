package dev.warden.workers.graveyard.legacy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight input bytes at a time: a little-endian word per load, and masks flagging bytes of
 * interest with bit 7 of their byte. Only the lowest flagged byte of a mask is exact (a borrow
 * can flag bytes above it), which is all the scanner asks: where the first one is.
 */
final class Words {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private Words() {}

  /** The 8 bytes from {@code b[at]}; the caller guarantees {@code at + 8 <= b.length}. */
  static long at(byte[] b, int at) {
    return (long) LONG.get(b, at);
  }

  /** Flags bytes below {@code 0x2A}: every delimiter ({@code ( ) "} and blanks) is one. */
  static long belowStar(long w) {
    return (w - 0x2A * ONES) & ~w & HIGHS;
  }

  /** Flags bytes equal to {@code c} (an ASCII byte). */
  static long equal(long w, int c) {
    long x = w ^ (c * ONES);
    return (x - ONES) & ~x & HIGHS;
  }

  /** Flags bytes of 0x80 and above (parts of multi-byte UTF-8 characters). */
  static long high(long w) {
    return w & HIGHS;
  }

  /** Index (0..7) of the lowest flagged byte of a non-zero mask. */
  static int first(long mask) {
    return Long.numberOfTrailingZeros(mask) >>> 3;
  }

  /**
   * The {@code n} (0..8) bytes from {@code b[at]} as a word, the rest zero; the caller
   * guarantees {@code at + 8 <= b.length}.
   */
  static long prefix(byte[] b, int at, int n) {
    long w = at(b, at);
    return n == Long.BYTES ? w : low(w, n);
  }

  /** The low {@code n} (0..7) bytes of {@code w}, the rest zero. */
  static long low(long w, int n) {
    return w & ((1L << (n << 3)) - 1);
  }
}
