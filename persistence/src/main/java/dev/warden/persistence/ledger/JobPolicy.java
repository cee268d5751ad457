package dev.warden.persistence.ledger;

import java.time.Duration;
import java.util.Optional;

/**
 * Timeouts, retries and concurrency of one job type. {@code startToClose} empty means the
 * adaptive default ({@code warden.ledger.default-timeout}); {@code heartbeatTimeout} empty means
 * only start-to-close applies. {@code maxConcurrency} is node-wide: at most that many attempts of
 * the type run on this node at once, over all its partitions ("run at most 16 resize jobs at
 * once"); give a handler that runs on a pool of N threads N. An attempt is Started only when it
 * gets one of these permits, so its start-to-close time is not spent queueing in the host's pool.
 * {@code warden.ledger.types.<name>} overrides any of them.
 */
public record JobPolicy(
    Optional<Duration> startToClose, Optional<Duration> heartbeatTimeout, RetryPolicy retry, int maxConcurrency) {

  public JobPolicy {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be >= 1, but was " + maxConcurrency);
    }
    startToClose.ifPresent(JobPolicy::positive);
    heartbeatTimeout.ifPresent(JobPolicy::positive);
  }

  /** Adaptive start-to-close, no heartbeat timeout, default retries, 64 at a time on the node. */
  public static JobPolicy defaults() {
    return new JobPolicy(Optional.empty(), Optional.empty(), RetryPolicy.defaults(), 64);
  }

  public JobPolicy withStartToClose(Duration d) {
    return new JobPolicy(Optional.of(d), heartbeatTimeout, retry, maxConcurrency);
  }

  public JobPolicy withHeartbeatTimeout(Duration d) {
    return new JobPolicy(startToClose, Optional.of(d), retry, maxConcurrency);
  }

  public JobPolicy withRetry(RetryPolicy r) {
    return new JobPolicy(startToClose, heartbeatTimeout, r, maxConcurrency);
  }

  public JobPolicy withMaxConcurrency(int n) {
    return new JobPolicy(startToClose, heartbeatTimeout, retry, n);
  }

  /** This policy with the config overrides applied. */
  JobPolicy with(LedgerSettings.TypeOverride o) {
    return new JobPolicy(
        o.startToClose().or(() -> startToClose),
        o.heartbeatTimeout().or(() -> heartbeatTimeout),
        o.maxAttempts().map(retry::withMaxAttempts).orElse(retry),
        o.maxConcurrency().orElse(maxConcurrency));
  }

  private static void positive(Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("timeouts must be > 0, but was " + d);
    }
  }
}
