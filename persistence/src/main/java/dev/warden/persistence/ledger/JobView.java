package dev.warden.persistence.ledger;

import java.util.Optional;

/**
 * A job as the ledger knows it now. {@code result} once succeeded; {@code cause} why its last
 * attempt failed, was reaped, or why it gave up; {@code lastFailure} its last failed attempt's
 * exception (class, message, bounded stack trace), empty if no attempt failed (or since an
 * operator retry).
 */
public record JobView(
    String id,
    String type,
    JobStatus status,
    int attempt,
    Optional<String> parent,
    Optional<String> result,
    Optional<String> cause,
    Optional<JobFailure> lastFailure) {

  /** A view without a failure's details. */
  public JobView(
      String id, String type, JobStatus status, int attempt, Optional<String> parent, Optional<String> result, Optional<String> cause) {
    this(id, type, status, attempt, parent, result, cause, Optional.empty());
  }
}
