package dev.warden.workers.build;

import java.time.Duration;

/**
 * What a tick changed besides its reclaim events: the not-started alarm, RAISED or CLEARED when it
 * flipped (log one line then, never per tick), else UNCHANGED; and the median it was judged on.
 */
public record TickAnswer(Alarm alarm, Duration notStartedMedian) {
  public enum Alarm {
    UNCHANGED,
    RAISED,
    CLEARED
  }
}
