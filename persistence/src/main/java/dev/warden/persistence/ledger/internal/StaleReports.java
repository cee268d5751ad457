package dev.warden.persistence.ledger.internal;

import dev.warden.core.RateLimitedLog;
import dev.warden.persistence.ledger.JobEvent;

/**
 * Reports (completions, failures, heartbeats) for an attempt that is not the job's running one:
 * counted, discarded, and logged at a level that says whether they are news. Expected (DEBUG) when
 * that attempt was reaped, cancelled or cut short by a restart: its handler simply finished late.
 * Surprising (WARN) otherwise: an unknown job or attempt, or a second report of an attempt that
 * ended. Owned by one partition.
 */
final class StaleReports {
  private static final String FORMAT = "ledger job [{}] {} for attempt [{}] is stale: current attempt [{}] status [{}]; discarded";

  private final RateLimitedLog log;
  private final LedgerStats stats;

  StaleReports(RateLimitedLog log, LedgerStats stats) {
    this.log = log;
    this.stats = stats;
  }

  void report(String id, int attempt, JobRecord r, String what) {
    stats.stale.incrementAndGet();
    Object[] args = {id, what, attempt, r == null ? 0 : r.attempt, r == null ? "unknown" : r.status};
    boolean expected = r != null && attempt <= r.attempt && (what.equals("heartbeat") || cutOrAbandoned(r, attempt));
    JobMdc.log(id, r == null ? null : r.type, () -> {
      if (expected) {
        log.debug(FORMAT, args);
      } else {
        log.warn(FORMAT, args);
      }
    });
  }

  /** True when attempt {@code attempt} of {@code r} ended other than by its own completion or failure. */
  private static boolean cutOrAbandoned(JobRecord r, int attempt) {
    boolean started = false;
    for (JobEvent e : r.history) {
      if (e instanceof JobEvent.Started s && s.attempt() == attempt) {
        started = true;
      } else if (started && !JobEvent.note(e)) {
        return !(e instanceof JobEvent.Completed || e instanceof JobEvent.Failed);
      }
    }
    return false;
  }
}
