package dev.warden.persistence.ledger;

import java.time.Duration;

/**
 * A failure that says how long to wait before the next attempt (a server's {@code Retry-After}).
 * When a handler's stage fails with an exception implementing it, the ledger schedules the retry
 * no earlier than {@link #retryAfter()} from the failure, or later if the type's
 * {@link RetryPolicy} backoff is longer. The retry counts against {@code maxAttempts} as any
 * other; the implementer bounds the wait it asks for.
 */
public interface RetryAfter {
  /** The least wait before the next attempt; zero or negative asks for none. */
  Duration retryAfter();
}
