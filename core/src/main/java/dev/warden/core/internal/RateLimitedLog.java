package dev.warden.core.internal;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A warning that can repeat in a loop, logged at most once per interval; the next line that is
 * let through says how many were suppressed in between. Not thread-safe: one owner (an actor).
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private long lastNanos;
  private boolean logged;
  private long suppressed;

  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs {@code format} at WARN unless one was logged less than an interval ago. */
  public void warn(String format, Object... args) {
    long now = System.nanoTime();
    if (logged && now - lastNanos < intervalNanos) {
      suppressed++;
      return;
    }
    if (suppressed > 0) {
      log.warn(format + " (" + suppressed + " similar suppressed)", args);
    } else {
      log.warn(format, args);
    }
    logged = true;
    lastNanos = now;
    suppressed = 0;
  }

  public long suppressed() {
    return suppressed;
  }
}
