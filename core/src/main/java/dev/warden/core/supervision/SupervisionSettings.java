package dev.warden.core.supervision;

import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OTP-style restart intensity plus backoff for one supervised node.
 *
 * <p>A child may crash at most {@code maxRestarts} times within any {@code within} window; the
 * next crash marks the node DEGRADED and parks it (child stopped, siblings untouched). Between a
 * crash and the restart the supervisor waits an exponential backoff from {@code minBackoff},
 * doubling per consecutive crash up to {@code maxBackoff}, with {@code randomFactor} jitter.
 * A zero {@code minBackoff} restarts immediately.
 */
public record SupervisionSettings(
    int maxRestarts, Duration within, Duration minBackoff, Duration maxBackoff, double randomFactor) {

  public SupervisionSettings {
    if (maxRestarts < 0) {
      throw new WardenConfigException("max-restarts", "max-restarts must be >= 0, but was " + maxRestarts);
    }
    if (within.isNegative() || within.isZero()) {
      throw new WardenConfigException("within", "within must be > 0, but was " + within);
    }
    if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new WardenConfigException(
          "backoff", "backoff must satisfy 0 <= min <= max, but was min=" + minBackoff + " max=" + maxBackoff);
    }
    if (randomFactor < 0 || randomFactor > 1) {
      throw new WardenConfigException("random-factor", "random-factor must be in [0, 1], but was " + randomFactor);
    }
  }

  /** Reads {@code max-restarts}, {@code within} and {@code backoff.*} under {@code r}. */
  public static SupervisionSettings read(ConfigReader r) {
    int max = r.intAtLeast("max-restarts", 0);
    Duration within = r.positiveDuration("within");
    Duration min = r.nonNegativeDuration("backoff.min");
    Duration maxB = r.nonNegativeDuration("backoff.max");
    if (maxB.compareTo(min) < 0) {
      throw r.bad("backoff.max", "must be >= " + r.path("backoff.min") + " (" + min + ")", null);
    }
    double rf = r.doubleBetween("backoff.random-factor", 0.0, 1.0);
    return new SupervisionSettings(max, within, min, maxB, rf);
  }

  /** The same intensity with backoff switched off (used by the restart benchmark and tests). */
  public SupervisionSettings withoutBackoff() {
    return new SupervisionSettings(maxRestarts, within, Duration.ZERO, Duration.ZERO, 0.0);
  }

  public SupervisionSettings withMaxRestarts(int n, Duration window) {
    return new SupervisionSettings(n, window, minBackoff, maxBackoff, randomFactor);
  }

  /** Backoff before restart number {@code consecutive} (1-based), jittered. */
  public Duration backoffFor(int consecutive) {
    if (minBackoff.isZero()) {
      return Duration.ZERO;
    }
    int shift = Math.min(Math.max(consecutive - 1, 0), 30);
    long base = Math.min(maxBackoff.toNanos(), minBackoff.toNanos() << shift);
    if (base < 0) {
      base = maxBackoff.toNanos();
    }
    double jitter = 1.0 + ThreadLocalRandom.current().nextDouble() * randomFactor;
    return Duration.ofNanos(Math.min((long) (base * jitter), maxBackoff.toNanos()));
  }
}
