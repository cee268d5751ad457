package dev.warden.workers.graveyard;

import java.time.Instant;

/**
 * The legacy daemon's constants. A record's weight is {@code m × 0.9^((now − t) / M)} with
 * {@code M = 2,592,000 s}; written as {@code m × exp(K·(now − t))} with {@code K = ln 0.9 / M}
 * it splits into a factor of {@code now} and a factor of the record, which is what lets a
 * cluster keep one sum and scale it at query time.
 */
final class Decay {
  /** Seconds per "month" in the legacy age formula. */
  static final double MONTH_SECONDS = 2_592_000d;
  /** ln(0.9) per second: negative. */
  static final double K = Math.log(0.9) / MONTH_SECONDS;
  /** A cluster is an avoid region from this weight sum on (inclusive). */
  static final double REGION_WEIGHT = 5.0;
  /** Seconds from 1900-01-01T00:00Z (Lisp universal time 0) to the Unix epoch. */
  static final long UNIVERSAL_OFFSET = 2_208_988_800L;

  private Decay() {}

  /** Lisp universal time (seconds since 1900) of an instant, fractional. */
  static double universal(Instant t) {
    return t.getEpochSecond() + UNIVERSAL_OFFSET + t.getNano() / 1e9;
  }

  /** The instant of a universal time. */
  static Instant instant(double universal) {
    double unix = universal - UNIVERSAL_OFFSET;
    long s = (long) Math.floor(unix);
    return Instant.ofEpochSecond(s, (long) ((unix - s) * 1e9));
  }
}
