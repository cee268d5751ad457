package dev.warden.workers.llm;

import java.time.Duration;

/**
 * The llm kind's idle ("nothing submitted") signal, kept by the {@link LlmCoordinator} on its
 * check ticks: once work was seen, a quiet spell (nothing submitted, pending, queued or running)
 * starts at the first quiet check, and the kind is idle once it lasted {@code threshold}; one
 * warning per idle spell, the flag cleared when work arrives. Times are the caller's clock, in
 * milliseconds. Not thread-safe: the coordinator's state.
 */
final class IdleWatch {
  private final long thresholdMillis;
  private boolean everBusy;
  private long idleSince = -1;
  private boolean idle;
  private long warnings;

  /** {@code warnings} carries the count of an earlier incarnation (it survives a restart on JMX). */
  IdleWatch(Duration threshold, long warnings) {
    this.thresholdMillis = threshold.toMillis();
    this.warnings = warnings;
  }

  /**
   * Work was seen at {@code now}: the quiet spell ends. Returns how long the kind had been idle if
   * this cleared the idle flag, else -1.
   */
  long busy(long now) {
    everBusy = true;
    long wasIdle = idle ? now - idleSince : -1;
    idle = false;
    idleSince = -1;
    return wasIdle;
  }

  /** A check found nothing in flight at {@code now}. True when the kind just became idle: warn once. */
  boolean quiet(long now) {
    if (!everBusy) {
      return false;
    }
    if (idleSince < 0) {
      idleSince = now;
    } else if (!idle && now - idleSince >= thresholdMillis) {
      idle = true;
      warnings++;
      return true;
    }
    return false;
  }

  /** Whether a quiet spell is being timed (the figures change with every check). */
  boolean timing() {
    return idleSince >= 0;
  }

  boolean idle() {
    return idle;
  }

  /** How long the current quiet spell has lasted at {@code now}; 0 while busy. */
  long quietMillis(long now) {
    return idleSince < 0 ? 0 : now - idleSince;
  }

  long warnings() {
    return warnings;
  }

  long thresholdMillis() {
    return thresholdMillis;
  }
}
