package dev.warden.workers.build;

/**
 * What one probe of a drone found, least to most severe. TIMEOUT and UNREACHABLE say the probe's
 * own path failed (a fresh heartbeat over another path suppresses escalation on them); ERROR is the
 * drone itself reporting a failure (such as memory critical) and is never suppressed. WARNING (such
 * as a filling disk) is neither a pass nor a failure: it changes no count.
 */
public enum ProbeOutcome {
  PASS,
  WARNING,
  UNREACHABLE,
  TIMEOUT,
  ERROR;

  public boolean failure() {
    return this == UNREACHABLE || this == TIMEOUT || this == ERROR;
  }

  /** A failure of the probe's path, not a report from the drone. */
  public boolean pathFailure() {
    return this == UNREACHABLE || this == TIMEOUT;
  }

  /**
   * One outcome for a probe that checks several things at once (a health endpoint listing disk and
   * memory): the most severe, so that a disk warning never masks a memory-critical error.
   */
  public static ProbeOutcome worst(ProbeOutcome... findings) {
    ProbeOutcome w = PASS;
    for (ProbeOutcome f : findings) {
      if (f.ordinal() > w.ordinal()) {
        w = f;
      }
    }
    return w;
  }
}
