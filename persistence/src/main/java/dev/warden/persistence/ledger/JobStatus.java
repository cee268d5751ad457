package dev.warden.persistence.ledger;

/** Where a job stands. The first five are live; the last three terminal. */
public enum JobStatus {
  /** Waiting for a free slot (or for its type to be registered). */
  PENDING,
  /** Waiting for its parent to succeed. */
  WAITING_FOR_PARENT,
  /** An attempt is running. */
  RUNNING,
  /** An attempt failed or was reaped; the next one starts at its not-before time. */
  RETRY_WAIT,
  /** Its parent gave up or was cancelled; released if the parent is retried and succeeds. */
  BLOCKED_BY_PARENT,
  SUCCEEDED,
  GAVE_UP,
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == GAVE_UP || this == CANCELLED;
  }

  /** The count bucket: pending, running, succeeded, failed, blocked or cancelled. */
  public String bucket() {
    return switch (this) {
      case PENDING, WAITING_FOR_PARENT, RETRY_WAIT -> "pending";
      case RUNNING -> "running";
      case BLOCKED_BY_PARENT -> "blocked";
      case SUCCEEDED -> "succeeded";
      case GAVE_UP -> "failed";
      case CANCELLED -> "cancelled";
    };
  }
}
