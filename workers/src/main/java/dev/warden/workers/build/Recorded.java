package dev.warden.workers.build;

/** How an accepted report is recorded. */
public enum Recorded {
  SUCCEEDED,
  FAILED,
  /** Reported successful, but the artifact is missing or its digest does not match: a counted failure. */
  MISSING_BINARY
}
