package dev.warden.workers.graveyard;

/**
 * Which legacy file (or host call) a pattern came from. The legacy daemon weighs a record by
 * its file, whatever the record's own {@code :RETIRED} says.
 */
public enum Source {
  /** {@code graveyard.sexp} and {@link Graveyard#record}: weight multiplier 1.0, used by pattern matching. */
  GRAVEYARD(1.0, true),
  /** {@code retired.sexp} and {@link Graveyard#retire}: weight multiplier 0.25, never matched. */
  RETIRED(0.25, false),
  /**
   * {@code graveyard.emergency.sexp}: writes that failed to reach {@code graveyard.sexp}. Treated
   * as graveyard records (1.0, matched), since that is where they were meant to go.
   */
  EMERGENCY(1.0, true);

  private final double multiplier;
  private final boolean matchable;

  Source(double multiplier, boolean matchable) {
    this.multiplier = multiplier;
    this.matchable = matchable;
  }

  /** The weight multiplier m of records from this source. */
  public double multiplier() {
    return multiplier;
  }

  /** Whether {@code matchesPattern} considers records from this source. */
  public boolean matchable() {
    return matchable;
  }
}
