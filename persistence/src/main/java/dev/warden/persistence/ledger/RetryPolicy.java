package dev.warden.persistence.ledger;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a failed or reaped attempt is retried: at most {@code maxAttempts} attempts in all, the
 * n-th retry after {@code min(initialBackoff × 2^(n-1), maxBackoff)} shortened by up to
 * {@code jitter} (a fraction 0..1) at random; failures whose exception is an instance of one of
 * {@code nonRetryable} give up at once.
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter, Set<Class<? extends Throwable>> nonRetryable) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, but was " + initialBackoff + ", " + maxBackoff);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], but was " + jitter);
    }
    nonRetryable = Set.copyOf(nonRetryable);
  }

  /** 3 attempts, 1 s doubling to 60 s, 20 % jitter, everything retryable. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Set.of());
  }

  public RetryPolicy withMaxAttempts(int n) {
    return new RetryPolicy(n, initialBackoff, maxBackoff, jitter, nonRetryable);
  }

  public RetryPolicy withBackoff(Duration initial, Duration max, double jitter) {
    return new RetryPolicy(maxAttempts, initial, max, jitter, nonRetryable);
  }

  @SafeVarargs
  public final RetryPolicy withNonRetryable(Class<? extends Throwable>... classes) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter, Set.of(classes));
  }

  /** Wait before attempt {@code next} (2 for the first retry), jitter applied. */
  public Duration backoffBefore(int next) {
    int exp = Math.max(0, Math.min(30, next - 2));
    long base = initialBackoff.toMillis() << exp;
    long capped = Math.min(maxBackoff.toMillis(), base < 0 ? Long.MAX_VALUE : base);
    long jittered = (long) (capped * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
    return Duration.ofMillis(Math.max(0, jittered));
  }

  public boolean retryable(Throwable t) {
    return nonRetryable.stream().noneMatch(c -> c.isInstance(t));
  }
}
