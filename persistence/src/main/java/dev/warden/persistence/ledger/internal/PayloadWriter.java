package dev.warden.persistence.ledger.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ledger codec's primitives, written: variable-length integers (7 bits a byte; signed ones
 * zig-zag first, so small magnitudes stay short) and UTF-8 strings after their length plus one
 * (0 = null). A growing buffer; one payload each.
 */
final class PayloadWriter {
  byte[] buf;
  int size;

  PayloadWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void room(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }

  void uint(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative count or attempt " + v);
    }
    ulong(v);
  }

  void sint(int v) {
    slong(v);
  }

  /** Zig-zag, then 7 bits per byte: small magnitudes (including negatives) stay short. */
  void slong(long v) {
    ulong((v << 1) ^ (v >> 63));
  }

  private void ulong(long v) {
    room(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  void str(String s) {
    if (s == null) {
      ulong(0);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ulong(b.length + 1L);
    bytes(b, b.length);
  }

  void bytes(byte[] b, int n) {
    room(n);
    System.arraycopy(b, 0, buf, size, n);
    size += n;
  }

  byte[] toArray() {
    return Arrays.copyOf(buf, size);
  }
}
