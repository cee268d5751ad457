package dev.warden.persistence.ledger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.warden.core.WardenSerializable;

/**
 * One step of a job's append-only history. Times are epoch milliseconds. Journaled inside a
 * batch (one row per flush), never rewritten.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "e")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobEvent.Submitted.class, name = "Submitted"),
  @JsonSubTypes.Type(value = JobEvent.Started.class, name = "Started"),
  @JsonSubTypes.Type(value = JobEvent.Heartbeat.class, name = "Heartbeat"),
  @JsonSubTypes.Type(value = JobEvent.Completed.class, name = "Completed"),
  @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "Failed"),
  @JsonSubTypes.Type(value = JobEvent.Reaped.class, name = "Reaped"),
  @JsonSubTypes.Type(value = JobEvent.RetryScheduled.class, name = "RetryScheduled"),
  @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = "Succeeded"),
  @JsonSubTypes.Type(value = JobEvent.GaveUp.class, name = "GaveUp"),
  @JsonSubTypes.Type(value = JobEvent.Cancelled.class, name = "Cancelled"),
  @JsonSubTypes.Type(value = JobEvent.BlockedByParent.class, name = "BlockedByParent"),
  @JsonSubTypes.Type(value = JobEvent.Released.class, name = "Released"),
  @JsonSubTypes.Type(value = JobEvent.OperatorRetried.class, name = "OperatorRetried"),
  @JsonSubTypes.Type(value = JobEvent.Suspended.class, name = "Suspended"),
  @JsonSubTypes.Type(value = JobEvent.StaleReport.class, name = "StaleReport")
})
public sealed interface JobEvent extends WardenSerializable
    permits JobEvent.Submitted,
        JobEvent.Started,
        JobEvent.Heartbeat,
        JobEvent.Completed,
        JobEvent.Failed,
        JobEvent.Reaped,
        JobEvent.RetryScheduled,
        JobEvent.Succeeded,
        JobEvent.GaveUp,
        JobEvent.Cancelled,
        JobEvent.BlockedByParent,
        JobEvent.Released,
        JobEvent.OperatorRetried,
        JobEvent.Suspended,
        JobEvent.StaleReport {

  /** Short label for histories and logs: the event's name, with {@code #attempt} where it has one. */
  default String label() {
    String n = getClass().getSimpleName();
    if (this instanceof Started s) {
      return n + "#" + s.attempt();
    } else if (this instanceof Completed c) {
      return n + "#" + c.attempt();
    } else if (this instanceof Failed f) {
      return n + "#" + f.attempt();
    } else if (this instanceof Reaped r) {
      return n + "#" + r.attempt();
    } else if (this instanceof Suspended s) {
      return n + "#" + s.attempt();
    } else if (this instanceof StaleReport s) {
      return n + "#" + s.attempt();
    }
    return n;
  }

  String jobId();

  long at();

  /** {@code parent} is null for a job without one. */
  record Submitted(String jobId, long at, String type, String payload, String parent) implements JobEvent {}

  /**
   * Attempt {@code attempt} started; {@code deadline} is {@code at} + its start-to-close timeout,
   * the earliest it can be reaped. The reaper counts the timeout from the handler's invocation,
   * which follows this event being journaled (warden.ledger.dispatch-timeout).
   */
  record Started(String jobId, long at, int attempt, long deadline) implements JobEvent {}

  record Heartbeat(String jobId, long at, int attempt) implements JobEvent {}

  record Completed(String jobId, long at, int attempt, String result) implements JobEvent {}

  /**
   * Attempt {@code attempt} failed. {@code cause} is {@code class: message}; {@code errorClass} and
   * {@code stackTrace} (bounded, see warden.ledger.failures) are null for failures journaled before
   * they were kept, or reported without an exception.
   */
  record Failed(String jobId, long at, int attempt, String cause, boolean retryable, String errorClass, String stackTrace)
      implements JobEvent {
    /** A failure without the exception's class and stack trace. */
    public Failed(String jobId, long at, int attempt, String cause, boolean retryable) {
      this(jobId, at, attempt, cause, retryable, null, null);
    }
  }

  record Reaped(String jobId, long at, int attempt, String reason) implements JobEvent {}

  record RetryScheduled(String jobId, long at, int nextAttempt, long notBefore) implements JobEvent {}

  record Succeeded(String jobId, long at, int attempt) implements JobEvent {}

  record GaveUp(String jobId, long at, int attempt, String reason) implements JobEvent {}

  record Cancelled(String jobId, long at, int attempt, String reason) implements JobEvent {}

  record BlockedByParent(String jobId, long at, String parent, String parentStatus) implements JobEvent {}

  record Released(String jobId, long at, String parent) implements JobEvent {}

  /** An operator asked for another round of attempts after the job gave up or was cancelled. */
  record OperatorRetried(String jobId, long at, int attempt) implements JobEvent {}

  /**
   * The node stopped gracefully while attempt {@code attempt} still ran (longer than
   * warden.ledger.shutdown.drain-timeout). Not an end and not a failure: the job stays running in
   * the ledger and resumes as a new attempt at the next start. It marks the attempt as stopped by
   * a deploy, not cut short by a crash, so it does not count toward warden.ledger.max-cut-attempts
   * nor use up one of the job's retries.
   */
  record Suspended(String jobId, long at, int attempt) implements JobEvent {}

  /**
   * A {@code report} (today always "completion") arrived for attempt {@code attempt}, which was no
   * longer the job's running one ({@code currentAttempt} was, in status {@code currentStatus}): a
   * handler that finished its work after its attempt was reaped, cancelled or cut short. It changed
   * nothing but is kept in the job's history, the audit trail of work done late (its effects may
   * have happened twice). At most one per attempt is journaled; the ledger's {@code stale} counter
   * counts every stale report, late failures included.
   */
  record StaleReport(String jobId, long at, int attempt, String report, int currentAttempt, String currentStatus)
      implements JobEvent {}

  /** True for events that record something about a job without moving it: heartbeats and stale reports. */
  static boolean note(JobEvent e) {
    return e instanceof Heartbeat || e instanceof StaleReport;
  }
}
