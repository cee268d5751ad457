package dev.warden.workers.trial;

/** How one trial attempt ended on a worker. */
public record TrialReport(String trialId, int attempt, Outcome outcome, String detail, long runMillis)
    implements TrialEvent {

  public enum Outcome {
    /** Exit 0; {@code detail} holds the WARDEN:RESULT json (or "" if none was printed). */
    SUCCEEDED,
    /** Exit code counted as failure; {@code detail} says which. Burns a normal retry. */
    FAILED,
    /** Stopped by the memory guard (low headroom): has its own counter, burns no normal retry. */
    BRAKED,
    /** The worker was recycled under it (RSS cap, exit 42): run it again, burns no normal retry. */
    REQUEUED,
    /** Cancelled by its owner (reaped, cancelled): the owner already knows why. */
    CANCELLED
  }

  /** True when the attempt does not count against the trial's normal retries. */
  public boolean freeRetry() {
    return outcome == Outcome.BRAKED || outcome == Outcome.REQUEUED;
  }
}
