package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.RetryPolicy;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Command;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;

/**
 * How a partition's buffered reports become events of the next batch: completions and failures
 * of the running attempt (a retry or a give-up follows a failure), heartbeats, cancels, operator
 * retries, parents' outcomes, and reaps of attempts whose deadline passed. Reports of an attempt
 * that is not the job's running one are stale ({@link StaleReports}).
 */
final class ReportRules {
  private final LedgerPartition p;

  ReportRules(LedgerPartition partition) {
    this.p = partition;
  }

  /** False: the job was touched already in this batch, try again in the next one. */
  boolean apply(PartitionState s, Command c, FlushPlan plan) {
    if (c instanceof LedgerPartition.ReapOverdue m) {
      reap(s, m, plan);
    } else if (c instanceof LedgerPartition.ParentOutcomes m) {
      parentOutcomes(s, m, plan);
    } else if (c instanceof LedgerPartition.JobReport m) {
      if (plan.touched.contains(m.id())) {
        return false;
      }
      if (report(s.jobs.get(m.id()), m, plan)) {
        plan.touched.add(m.id());
      }
    }
    return true;
  }

  /** False: a stale completion or failure, which touches nothing. */
  private boolean report(JobRecord r, LedgerPartition.JobReport c, FlushPlan plan) {
    String id = c.id();
    if (c instanceof LedgerPartition.Complete m) {
      if (!current(r, m.attempt(), id, "completion", plan)) {
        return false;
      }
      sample(id, m.attempt());
      plan.events.add(new JobEvent.Completed(id, plan.now, m.attempt(), m.result()));
      plan.events.add(new JobEvent.Succeeded(id, plan.now, m.attempt()));
      plan.finished.put(id, m.attempt());
      plan.ended.add(id);
    } else if (c instanceof LedgerPartition.Fail m) {
      if (!current(r, m.attempt(), id, "failure", plan)) {
        return false;
      }
      sample(id, m.attempt());
      plan.events.add(new JobEvent.Failed(id, plan.now, m.attempt(), m.cause(), m.retryable(), m.errorClass(), m.stackTrace()));
      plan.finished.put(id, m.attempt());
      JobMdc.log(id, r.type, () -> p.failureLog.warn("ledger job [{}] type [{}] attempt [{}] failed: {}{}", id, r.type, m.attempt(),
          m.cause(), m.stackTrace() == null ? "" : "\n" + m.stackTrace()));
      retryOrGiveUp(r, m.attempt(), m.retryable(), m.cause(), m.retryAfterMillis(), plan);
    } else if (c instanceof LedgerPartition.Beat m) {
      if (r != null && r.status == JobStatus.RUNNING && r.attempt == m.attempt()) {
        plan.events.add(new JobEvent.Heartbeat(id, plan.now, m.attempt()));
      }
    } else if (c instanceof LedgerPartition.Cancel m) {
      cancel(r, m, plan);
    } else if (c instanceof LedgerPartition.Retry m) {
      if (r != null && (r.status == JobStatus.GAVE_UP || r.status == JobStatus.CANCELLED)) {
        plan.events.add(new JobEvent.OperatorRetried(id, plan.now, r.attempt));
      }
      plan.replies.add(() -> m.replyTo().tell(new LedgerPartition.Found(Optional.ofNullable(r).map(JobRecord::view))));
    }
    return true;
  }

  /** The latency sample of a completed or failed attempt: the handler's own invocation → result time. */
  private void sample(String id, int attempt) {
    JobExecution x = p.executions.get(id);
    if (x != null && x.attempt() == attempt && x.hasResult()) {
      p.timeouts.record(x.type, x.latencyMillis());
    }
  }

  /**
   * False for a report of an attempt that is not the running one: counted and logged. A late
   * completion (work that was done after all, after its attempt was reaped, cancelled or cut short)
   * also goes into the job's history as a {@link JobEvent.StaleReport}, the first one per attempt (a
   * handler reporting again and again adds nothing more). Late failures are not kept there: most are
   * the handler obeying the cancel that ended its attempt. Reports for unknown jobs are only counted.
   */
  private boolean current(JobRecord r, int attempt, String id, String what, FlushPlan plan) {
    if (r == null || r.status != JobStatus.RUNNING || r.attempt != attempt) {
      p.stale(id, attempt, r, what);
      if (r != null && what.equals("completion") && !alreadyNoted(r, attempt, what, plan)) {
        plan.events.add(new JobEvent.StaleReport(id, plan.now, attempt, what, r.attempt, r.status.name()));
      }
      return false;
    }
    return true;
  }

  private static boolean alreadyNoted(JobRecord r, int attempt, String what, FlushPlan plan) {
    return r.history.stream().anyMatch(e -> sameStale(e, r.id, attempt, what))
        || plan.events.stream().anyMatch(e -> sameStale(e, r.id, attempt, what));
  }

  private static boolean sameStale(JobEvent e, String id, int attempt, String what) {
    return e instanceof JobEvent.StaleReport s && s.attempt() == attempt && s.report().equals(what) && s.jobId().equals(id);
  }

  /** {@code retryAfterMillis}: the least wait the failure asked for ({@code RetryAfter}); the longer of it and the backoff wins. */
  private void retryOrGiveUp(JobRecord r, int attempt, boolean retryable, String reason, long retryAfterMillis, FlushPlan plan) {
    JobType t = p.types.get(r.type);
    RetryPolicy rp = t == null ? RetryPolicy.defaults() : t.policy().retry();
    int used = attempt - r.budgetBase;
    if (retryable && used < rp.maxAttempts()) {
      long notBefore = plan.now + Math.max(rp.backoffBefore(used + 1).toMillis(), retryAfterMillis);
      plan.events.add(new JobEvent.RetryScheduled(r.id, plan.now, attempt + 1, notBefore));
      if (p.ctx.getLog().isDebugEnabled()) {
        JobMdc.log(r.id, r.type, () -> p.ctx.getLog().debug(
            "ledger job [{}] attempt [{}] ended ({}); retry at attempt [{}]", r.id, attempt, reason, attempt + 1));
      }
    } else {
      String why = retryable ? "attempts exhausted (" + used + " of " + rp.maxAttempts() + "): " + reason : "non-retryable: " + reason;
      plan.events.add(new JobEvent.GaveUp(r.id, plan.now, attempt, why));
      plan.ended.add(r.id);
      JobMdc.log(r.id, r.type, () -> p.failureLog.warn("ledger job [{}] type [{}] gave up at attempt [{}]: {}", r.id, r.type, attempt, why));
    }
  }

  private void cancel(JobRecord r, LedgerPartition.Cancel m, FlushPlan plan) {
    if (r != null && !r.status.terminal()) {
      plan.events.add(new JobEvent.Cancelled(r.id, plan.now, r.attempt, "cancelled by request"));
      if (r.status == JobStatus.RUNNING) {
        plan.cancels.put(r.id, "cancelled by request");
      }
      plan.ended.add(r.id);
    }
    plan.replies.add(() -> m.replyTo().tell(new LedgerPartition.Found(Optional.ofNullable(r).map(JobRecord::view))));
  }

  private void reap(PartitionState s, LedgerPartition.ReapOverdue m, FlushPlan plan) {
    int checked = 0;
    int reaped = 0;
    for (DeadlineIndex.Entry e : p.deadlines.due(plan.now)) {
      checked++;
      JobRecord r = s.jobs.get(e.jobId());
      if (r == null || r.status != JobStatus.RUNNING || r.attempt != e.attempt() || endsInThisBatch(r.id, plan)) {
        continue; // the attempt ended or moved on: its entries go (lazy invalidation)
      }
      JobExecution x = p.executions.get(r.id);
      if (x != null && x.hasResult()) {
        // the result is in the mailbox or buffered for the next batch: write it, never reap it
        p.deadlines.add(plan.now + p.settings.reaperTick().toMillis(), r.id, r.attempt);
        continue;
      }
      long due = due(r, x);
      if (due > plan.now) {
        p.deadlines.add(due, r.id, r.attempt);
        continue;
      }
      if (plan.touched.contains(r.id)) {
        // overdue, but the job has an event in this batch already (a journaled heartbeat, say): decide
        // at the next tick, once that is written. Dropping the popped entry would leave the running
        // attempt without one, never reaped however long it hangs.
        p.deadlines.add(plan.now + p.settings.reaperTick().toMillis(), r.id, r.attempt);
        continue;
      }
      String reason = overdue(r, x, plan.now);
      plan.events.add(new JobEvent.Reaped(r.id, plan.now, r.attempt, reason));
      plan.cancels.put(r.id, "reaped: " + reason);
      plan.touched.add(r.id);
      retryOrGiveUp(r, r.attempt, true, "reaped: " + reason, 0, plan);
      JobMdc.log(r.id, r.type, () -> p.ctx.getLog().info("ledger job [{}] attempt [{}] reaped: {}", r.id, r.attempt, reason));
      reaped++;
    }
    plan.reaped += reaped;
    if (m.replyTo() != null) {
      LedgerPartition.ReapReport report = new LedgerPartition.ReapReport(p.wiring.partition(), m.run(), checked, reaped);
      plan.replies.add(() -> m.replyTo().tell(report));
    }
    p.armReapLookahead(plan.now);
  }

  /** The job's running attempt completes, fails, is cancelled or is reaped in this batch. */
  private static boolean endsInThisBatch(String id, FlushPlan plan) {
    return plan.finished.containsKey(id) || plan.cancels.containsKey(id) || plan.ended.contains(id);
  }

  /**
   * When a running attempt becomes reapable. Start-to-close and the heartbeat timeout count from
   * the handler's invocation: the journaled {@code Started.deadline} (Started time + timeout) is
   * only the earliest possible reap, as the handler runs after the batch is on disk and after a
   * handler thread is free. An attempt not invoked by then gets {@code dispatch-timeout} more
   * (a saturated or wedged handler dispatcher), so every running attempt has a deadline.
   */
  private long due(JobRecord r, JobExecution x) {
    if (x == null) {
      return r.deadline;
    }
    long invoked = x.invokedAtMillis();
    if (invoked == 0) {
      return r.deadline + p.settings.dispatchTimeout().toMillis();
    }
    return Math.min(invoked + x.timeoutMillis, beatDeadline(r, x, invoked));
  }

  private String overdue(JobRecord r, JobExecution x, long now) {
    long invoked = x == null ? 0 : x.invokedAtMillis();
    if (x != null && invoked == 0) {
      return "handler not invoked " + (now - r.deadline + x.timeoutMillis) + " ms after the attempt started"
          + " (warden.ledger.dispatch-timeout; handler dispatcher saturated?)";
    }
    if (x == null || invoked + x.timeoutMillis <= now) {
      return "start-to-close deadline passed " + (now - (x == null ? r.deadline : invoked + x.timeoutMillis)) + " ms ago";
    }
    return "no heartbeat for " + (now - Math.max(x.lastBeat, invoked)) + " ms";
  }

  /** When the attempt's heartbeat timeout (if its type has one) runs out, counted from {@code invoked} or its last beat. */
  long beatDeadline(JobRecord r, JobExecution x, long invoked) {
    JobType t = p.types.get(r.type);
    if (t == null || t.policy().heartbeatTimeout().isEmpty()) {
      return Long.MAX_VALUE;
    }
    return Math.max(x.lastBeat, invoked) + t.policy().heartbeatTimeout().get().toMillis();
  }

  private void parentOutcomes(PartitionState s, LedgerPartition.ParentOutcomes m, FlushPlan plan) {
    m.outcomes().forEach((parent, status) -> {
      Set<String> kids = s.children.get(parent);
      if (kids == null) {
        return;
      }
      for (String child : new ArrayList<>(kids)) {
        JobRecord c = s.jobs.get(child);
        if (c == null || plan.touched.contains(child)) {
          continue;
        }
        if (status == JobStatus.SUCCEEDED) {
          plan.events.add(new JobEvent.Released(child, plan.now, parent));
          plan.touched.add(child);
        } else if (status.terminal() && c.status == JobStatus.WAITING_FOR_PARENT) {
          plan.events.add(new JobEvent.BlockedByParent(child, plan.now, parent, status.name()));
          plan.touched.add(child);
          JobMdc.log(child, c.type, () -> p.ctx.getLog().info("ledger job [{}] blocked: parent [{}] ended {}", child, parent, status));
        }
      }
    });
  }
}
