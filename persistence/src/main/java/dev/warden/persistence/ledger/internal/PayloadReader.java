package dev.warden.persistence.ledger.internal;

import java.nio.charset.StandardCharsets;

/**
 * The ledger codec's primitives, read back (see {@link PayloadWriter}). A damaged payload throws
 * {@link IllegalArgumentException} or {@link ArrayIndexOutOfBoundsException}, which the codec turns
 * into its "truncated or damaged" error.
 */
final class PayloadReader {
  final byte[] buf;
  int pos;

  PayloadReader(byte[] buf) {
    this.buf = buf;
  }

  /** True while bytes remain: optional trailing sections are present only then. */
  boolean more() {
    return pos < buf.length;
  }

  int uint() {
    long v = ulong();
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("count " + v + " out of range");
    }
    return (int) v;
  }

  /** A number of elements that follow: each takes at least one byte, so never more than remain. */
  int count() {
    int n = uint();
    if (n > buf.length - pos) {
      throw new IllegalArgumentException("count " + n + " past the end");
    }
    return n;
  }

  /** The count of an optional trailing section: written only when it has something, so never 0. */
  int section() {
    int n = count();
    if (n == 0) {
      throw new IllegalArgumentException("empty optional section at byte " + (pos - 1));
    }
    return n;
  }

  int sint() {
    long v = slong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("int " + v + " out of range");
    }
    return (int) v;
  }

  long slong() {
    long v = ulong();
    return (v >>> 1) ^ -(v & 1);
  }

  private long ulong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("variable-length integer longer than 10 bytes");
  }

  String str() {
    long n = ulong();
    if (n == 0) {
      return null;
    }
    int len = (int) (n - 1);
    if (n - 1 > buf.length - pos) {
      throw new IllegalArgumentException("string of " + (n - 1) + " bytes past the end");
    }
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }
}
