package dev.warden.workers.build;

/** What self-healing made of a probe result: {@code kind}, and the level fired when ESCALATED. */
public record HealingVerdict(Kind kind, EscalationLevel level, String reason) {
  public enum Kind {
    /** Nothing to do: a pass with no ladder to clear, a warning, or failures not yet sustained. */
    NONE,
    /** A pass after an escalation: the ladder starts over. */
    CLEARED,
    /** Sustained unreachable or timed-out probes, but the drone's heartbeat is fresh: not escalated. */
    SUPPRESSED,
    /** Sustained failures, but the last level's cooldown has not passed. */
    COOLING_DOWN,
    /** Sustained failures, but the last level's action has not finished. */
    AWAITING_ACTION,
    /** The ladder fired {@code level}. */
    ESCALATED,
    /** The drone is paused: probes are not counted. */
    PAUSED,
    /** No such drone is registered. */
    UNKNOWN_DRONE
  }

  static HealingVerdict of(Kind kind, String reason) {
    return new HealingVerdict(kind, null, reason);
  }
}
