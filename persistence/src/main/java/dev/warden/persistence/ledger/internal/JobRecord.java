package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobFailure;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One job inside its partition's state. Mutable; owned by the partition's single writer. */
final class JobRecord {
  final String id;
  final String type;
  final String payload;
  final String parent;
  JobStatus status;
  int attempt;
  /** Attempts before the last operator retry: the retry budget counts from here. */
  int budgetBase;
  long deadline;
  /** Time of the current attempt's Started event; not snapshotted (running jobs resume as a new attempt). */
  long startedAt;
  long notBefore;
  String result;
  String cause;
  /** The last Failed event (since the last operator retry), whose stack trace the history keeps; null if none. */
  JobEvent.Failed lastFailure;
  final List<JobEvent> history;

  JobRecord(String id, String type, String payload, String parent, List<JobEvent> history) {
    this.id = id;
    this.type = type;
    this.payload = payload;
    this.parent = parent;
    this.history = history;
  }

  JobView view() {
    return new JobView(
        id, type, status, attempt, Optional.ofNullable(parent), Optional.ofNullable(result), Optional.ofNullable(cause),
        Optional.ofNullable(lastFailure).map(JobRecord::failure));
  }

  /** A Failed event as the job's last failure: the cause split into the exception's class and its message. */
  private static JobFailure failure(JobEvent.Failed f) {
    String cause = f.cause() == null ? "" : f.cause();
    String type = f.errorClass() == null ? "" : f.errorClass();
    String message = cause;
    if (!type.isEmpty() && cause.startsWith(type)) {
      message = cause.substring(type.length());
      message = message.startsWith(": ") ? message.substring(2) : message;
    }
    return new JobFailure(f.attempt(), type, message, f.stackTrace() == null ? "" : f.stackTrace());
  }

  JobSnapshot snapshot() {
    return new JobSnapshot(id, type, payload, parent, status, attempt, budgetBase, deadline, notBefore, result, cause, List.copyOf(history));
  }

  static JobRecord of(JobSnapshot s) {
    JobRecord r = new JobRecord(s.id(), s.type(), s.payload(), s.parent(), new ArrayList<>(s.history()));
    r.status = s.status();
    r.attempt = s.attempt();
    r.budgetBase = s.budgetBase();
    r.deadline = s.deadline();
    r.notBefore = s.notBefore();
    r.result = s.result();
    r.cause = s.cause();
    for (int i = r.history.size() - 1; i >= 0 && !(r.history.get(i) instanceof JobEvent.OperatorRetried); i--) {
      if (r.history.get(i) instanceof JobEvent.Failed f) {
        r.lastFailure = f;
        break;
      }
    }
    return r;
  }
}
