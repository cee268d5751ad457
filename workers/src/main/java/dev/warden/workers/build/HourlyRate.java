package dev.warden.workers.build;

import java.time.Instant;

/** A count over the last hour, in 60 one-minute buckets: bounded whatever the rate. */
final class HourlyRate {
  private final long[] minute = new long[60];
  private final long[] count = new long[60];

  HourlyRate() {
    java.util.Arrays.fill(minute, Long.MIN_VALUE);
  }

  void add(Instant at) {
    long m = Math.floorDiv(at.getEpochSecond(), 60);
    int i = (int) Math.floorMod(m, 60L);
    if (minute[i] != m) {
      minute[i] = m;
      count[i] = 0;
    }
    count[i]++;
  }

  long lastHour(Instant now) {
    long m = Math.floorDiv(now.getEpochSecond(), 60);
    long sum = 0;
    for (int i = 0; i < 60; i++) {
      if (minute[i] > m - 60 && minute[i] <= m) {
        sum += count[i];
      }
    }
    return sum;
  }

  /** The buckets in use: epoch minute to count (at most 60), for a snapshot. */
  java.util.Map<Long, Long> buckets() {
    java.util.Map<Long, Long> out = new java.util.TreeMap<>();
    for (int i = 0; i < 60; i++) {
      if (minute[i] != Long.MIN_VALUE) {
        out.put(minute[i], count[i]);
      }
    }
    return out;
  }

  /** Refills the buckets from {@link #buckets()}. */
  void restore(java.util.Map<Long, Long> buckets) {
    buckets.forEach((m, n) -> {
      int i = (int) Math.floorMod(m, 60L);
      minute[i] = m;
      count[i] = n;
    });
  }
}
