package dev.warden.ops.drone;

import java.time.Duration;
import java.time.Instant;

/**
 * The drone's backoff while the control plane does not answer: from {@code --backoff-min}, doubling per failed
 * call up to {@code --backoff-max}; the drone stays quiet (no register, heartbeat, lease or report) until it
 * has passed. One answer resets it.
 */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration current = Duration.ZERO;
  private Instant quietUntil = Instant.EPOCH;

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
  }

  /** A call failed at {@code now}: backs off further. True for the first failure of a run (the one to log). */
  boolean failed(Instant now) {
    current = current.isZero() ? min : current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
    quietUntil = now.plus(current);
    return current.equals(min);
  }

  /** A call was answered: no more backoff. True when it ends a run of failures (the one to log). */
  boolean answered() {
    boolean was = !current.isZero();
    current = Duration.ZERO;
    return was;
  }

  boolean quiet(Instant now) {
    return now.isBefore(quietUntil);
  }
}
