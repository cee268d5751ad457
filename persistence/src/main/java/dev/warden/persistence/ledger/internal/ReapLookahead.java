package dev.warden.persistence.ledger.internal;

import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The reaper's tick samples deadlines, so a deadline would wait up to a whole tick for the next
 * run. After each reap and each batch of starts, a deadline due before the next tick arms one
 * single-shot timer at that deadline (at most one armed per partition, at most one firing per
 * {@code tick / 20}), so an overdue attempt is reaped within milliseconds, still by its partition:
 * the timer sends the partition a {@link LedgerPartition.ReapOverdue} of run 0 without a reply.
 */
final class ReapLookahead {
  private static final Object TIMER = "reap-lookahead";

  private final TimerScheduler<LedgerPartition.Command> timers;
  private final DeadlineIndex deadlines;
  /** The reaper's tick in ms: deadlines further out wait for it. */
  private final long window;
  private final LedgerClock clock;
  /** When the armed look-ahead fires (epoch ms), or MAX_VALUE when none is armed. */
  private long armedAt = Long.MAX_VALUE;
  private long lastFired;

  ReapLookahead(TimerScheduler<LedgerPartition.Command> timers, DeadlineIndex deadlines, Duration reaperTick, LedgerClock clock) {
    this.timers = timers;
    this.deadlines = deadlines;
    this.window = reaperTick.toMillis();
    this.clock = clock;
  }

  /** Arms the look-ahead if the earliest deadline falls before the next tick and none is armed for it. */
  void arm(long now) {
    long earliest = deadlines.earliest();
    if (earliest == Long.MAX_VALUE || earliest >= now + window) {
      return;
    }
    long at = Math.max(earliest + 1, lastFired + Math.max(1, window / 20));
    if (armedAt > now && armedAt <= at) {
      return; // an earlier (or the same) look-ahead is armed already
    }
    armedAt = at;
    timers.startSingleTimer(TIMER, new LedgerPartition.ReapOverdue(0, null), Duration.ofMillis(Math.max(1, at - now)));
  }

  /** The armed look-ahead's reap arrived. */
  void fired() {
    armedAt = Long.MAX_VALUE;
    lastFired = clock.millis();
  }
}
