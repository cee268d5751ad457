package dev.warden.core.supervision;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The crashes of one child within the sliding {@code within} window of its restart intensity. Not
 * thread-safe: one owner.
 */
final class CrashWindow {
  private final long windowMillis;
  private final ArrayDeque<Long> times = new ArrayDeque<>();

  CrashWindow(Duration within) {
    this.windowMillis = within.toMillis();
  }

  /** Counts a crash at {@code nowMillis}; answers the crashes within the window, this one included. */
  int crashed(long nowMillis) {
    times.addLast(nowMillis);
    return count(nowMillis);
  }

  /** The crashes within the window ending at {@code nowMillis}. */
  int count(long nowMillis) {
    long windowStart = nowMillis - windowMillis;
    while (!times.isEmpty() && times.peekFirst() < windowStart) {
      times.removeFirst();
    }
    return times.size();
  }

  void clear() {
    times.clear();
  }
}
