package dev.warden.core;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A log line that can repeat in a loop: at most {@code burst} lines per interval; the first line
 * let through after a quiet spell says how many were suppressed. Not thread-safe: one owner
 * (an actor).
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final int burst;
  private long windowStart;
  private int inWindow;
  private boolean started;
  private long suppressed;

  public RateLimitedLog(Logger log, Duration interval) {
    this(log, interval, 1);
  }

  public RateLimitedLog(Logger log, Duration interval, int burst) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.burst = burst;
  }

  /** A debug line; takes no share of the limit while debug is off for this logger. */
  public void debug(String format, Object... args) {
    if (log.isDebugEnabled() && admit()) {
      log.debug(decorate(format), args);
      suppressed = 0;
    }
  }

  public void warn(String format, Object... args) {
    if (admit()) {
      log.warn(decorate(format), args);
      suppressed = 0;
    }
  }

  public void error(String format, Object... args) {
    if (admit()) {
      log.error(decorate(format), args);
      suppressed = 0;
    }
  }

  private boolean admit() {
    long now = System.nanoTime();
    if (!started || now - windowStart >= intervalNanos) {
      started = true;
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= burst) {
      suppressed++;
      return false;
    }
    inWindow++;
    return true;
  }

  private String decorate(String format) {
    return suppressed > 0 ? format + " (" + suppressed + " similar lines suppressed)" : format;
  }

  public long suppressed() {
    return suppressed;
  }
}
