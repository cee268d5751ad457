package dev.warden.workers.build;

import java.time.Duration;
import java.time.Instant;

/**
 * One probe's run of failures on one drone: all failures, and among them those the drone itself
 * reported (ERROR). A pass ends both; a warning touches neither; a path failure (timeout,
 * unreachable) neither counts toward nor breaks the reported run.
 */
final class ProbeStreak {
  int failures;
  Instant since;
  int reported;
  Instant reportedSince;
  ProbeOutcome last;
  /** Its last outcome other than a warning was a failure; only a pass ends it (an escalation does not). */
  boolean failing;
  /** The suppression of this run was counted already. */
  boolean suppressionCounted;

  void record(ProbeOutcome outcome, Instant now) {
    if (outcome == ProbeOutcome.PASS) {
      clear();
    } else if (outcome.failure()) {
      if (failures++ == 0) {
        since = now;
      }
      if (!outcome.pathFailure() && reported++ == 0) {
        reportedSince = now;
      }
      last = outcome;
      failing = true;
    }
  }

  /** After an action: the run counts again from zero, so that only failures after it can advance the ladder. */
  void restartCount() {
    failures = 0;
    since = null;
    reported = 0;
    reportedSince = null;
    suppressionCounted = false;
  }

  void clear() {
    restartCount();
    last = null;
    failing = false;
  }

  boolean sustained(int n, Duration window, Instant now) {
    return failures >= n && !Duration.between(since, now).minus(window).isNegative();
  }

  boolean reportedSustained(int n, Duration window, Instant now) {
    return reported >= n && !Duration.between(reportedSince, now).minus(window).isNegative();
  }
}
