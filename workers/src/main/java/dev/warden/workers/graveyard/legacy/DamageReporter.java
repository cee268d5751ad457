package dev.warden.workers.graveyard.legacy;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Builds {@link Damage} entries with a bounded sample, hands them to the sink and keeps the
 * counts by reason. Holds nothing per entry: memory is constant however many ranges are bad.
 */
final class DamageReporter {

  private static final DamageReason[] REASONS = DamageReason.values();

  private final QuarantineSink sink;
  private final byte[] sample;
  private int sampleLength;
  private final long[] counts = new long[REASONS.length];
  private long damagedBytes;

  DamageReporter(QuarantineSink sink, int sampleBytes) {
    this.sink = sink;
    this.sample = new byte[sampleBytes];
  }

  /** Remembers the first bytes of the range about to be reported. */
  void capture(byte[] buf, int from, int limit) {
    sampleLength = Math.max(0, Math.min(sample.length, limit - from));
    System.arraycopy(buf, from, sample, 0, sampleLength);
  }

  /** True if the captured sample holds invalid UTF-8 (a sequence cut by the sample's end is fine). */
  boolean sampleHasInvalidUtf8() {
    int i = 0;
    while (i < sampleLength) {
      int b = sample[i] & 0xff;
      int extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2
          : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
      if (extra < 0) {
        return true;
      }
      for (int k = 1; k <= extra && i + k < sampleLength; k++) {
        if ((sample[i + k] & 0xc0) != 0x80) {
          return true;
        }
      }
      i += extra + 1;
    }
    return false;
  }

  void report(long offset, long length, DamageReason reason, String detail) {
    counts[reason.ordinal()]++;
    damagedBytes += length;
    byte[] bytes = Arrays.copyOf(sample, (int) Math.min(sampleLength, length));
    sink.accept(new Damage(offset, length, reason, detail, bytes));
  }

  /** Reports one closing parenthesis outside any record. */
  void strayCloseParen(long offset) {
    sampleLength = Math.min(1, sample.length);
    if (sampleLength == 1) {
      sample[0] = ')';
    }
    report(offset, 1, DamageReason.STRAY_CLOSE_PAREN, "closing parenthesis outside any record");
  }

  Map<DamageReason, Long> counts() {
    Map<DamageReason, Long> map = new EnumMap<>(DamageReason.class);
    for (DamageReason reason : REASONS) {
      if (counts[reason.ordinal()] > 0) {
        map.put(reason, counts[reason.ordinal()]);
      }
    }
    return map;
  }

  long damagedBytes() {
    return damagedBytes;
  }
}
