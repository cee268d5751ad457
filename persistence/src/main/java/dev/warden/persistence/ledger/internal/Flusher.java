package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.RetryPolicy;
import dev.warden.persistence.ledger.internal.LedgerPartition.Command;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * Turns a partition's buffered commands into one {@link LedgerBatch}: reports first (they free
 * slots and finish work), then starts, then new submits; answers and side effects run once the
 * batch is journaled. A job touched twice in one batch has its second report deferred to the
 * next flush, so every decision is made against journaled state.
 */
final class Flusher {
  private static final String RETRY_TIMER = "retry-due";

  final ArrayDeque<Command> reports = new ArrayDeque<>();
  final ArrayDeque<LedgerPartition.Submit> submits = new ArrayDeque<>();
  private final LedgerPartition p;

  Flusher(LedgerPartition partition) {
    this.p = partition;
  }

  boolean idle() {
    return reports.isEmpty() && submits.isEmpty();
  }

  private record Acc(LedgerPartition.Submit submit, boolean created) {}

  /** What to do once the batch is on disk. */
  private static final class Plan {
    final List<JobEvent> events = new ArrayList<>();
    final Set<String> touched = new HashSet<>();
    final List<Runnable> replies = new ArrayList<>();
    final List<Acc> accepted = new ArrayList<>();
    final List<String> starts = new ArrayList<>();
    final Map<String, Integer> finished = new HashMap<>();
    final Map<String, String> cancels = new HashMap<>();
    final Set<String> ended = new HashSet<>();
    final Map<String, Integer> startsPerType = new HashMap<>();
    int reaped;
    long now;
  }

  Effect<LedgerBatch, PartitionState> flush(PartitionState s, LedgerPartition.Flush f) {
    p.flushScheduled = false;
    Plan plan = new Plan();
    plan.now = System.currentTimeMillis();
    ArrayDeque<Command> deferred = new ArrayDeque<>();
    while (!reports.isEmpty() && plan.events.size() < p.settings.maxBatch()) {
      Command c = reports.poll();
      if (!report(s, c, plan)) {
        deferred.addFirst(c);
      }
    }
    deferred.forEach(reports::addFirst);
    s.releaseDueRetries(plan.now);
    if (!p.draining()) {
      starts(s, plan);
    }
    submits(s, plan);
    EffectFactories<LedgerBatch, PartitionState> effect = p.effects();
    if (plan.events.isEmpty()) {
      afterPersist(s, plan);
      return effect.none();
    }
    return effect.persist(new LedgerBatch(List.copyOf(plan.events))).thenRun(st -> afterPersist(st, plan));
  }

  /** False: the job was touched already in this batch, try again in the next one. */
  private boolean report(PartitionState s, Command c, Plan plan) {
    if (c instanceof LedgerPartition.ReapOverdue) {
      reap(s, (LedgerPartition.ReapOverdue) c, plan);
      return true;
    }
    if (c instanceof LedgerPartition.ParentOutcomes) {
      parentOutcomes(s, (LedgerPartition.ParentOutcomes) c, plan);
      return true;
    }
    String id = idOf(c);
    if (plan.touched.contains(id)) {
      return false;
    }
    JobRecord r = s.jobs.get(id);
    if (c instanceof LedgerPartition.Complete) {
      LedgerPartition.Complete m = (LedgerPartition.Complete) c;
      if (!current(r, m.attempt(), id, "completion")) {
        return true;
      }
      sample(id, m.attempt());
      plan.events.add(new JobEvent.Completed(id, plan.now, m.attempt(), m.result()));
      plan.events.add(new JobEvent.Succeeded(id, plan.now, m.attempt()));
      plan.finished.put(id, m.attempt());
      plan.ended.add(id);
    } else if (c instanceof LedgerPartition.Fail) {
      LedgerPartition.Fail m = (LedgerPartition.Fail) c;
      if (!current(r, m.attempt(), id, "failure")) {
        return true;
      }
      sample(id, m.attempt());
      plan.events.add(new JobEvent.Failed(id, plan.now, m.attempt(), m.cause(), m.retryable(), m.errorClass(), m.stackTrace()));
      plan.finished.put(id, m.attempt());
      p.failureLog.warn("ledger job [{}] type [{}] attempt [{}] failed: {}{}", id, r.type, m.attempt(), m.cause(),
          m.stackTrace() == null ? "" : "\n" + m.stackTrace());
      retryOrGiveUp(r, m.attempt(), m.retryable(), m.cause(), m.retryAfterMillis(), plan);
    } else if (c instanceof LedgerPartition.Beat) {
      LedgerPartition.Beat m = (LedgerPartition.Beat) c;
      if (r != null && r.status == JobStatus.RUNNING && r.attempt == m.attempt()) {
        plan.events.add(new JobEvent.Heartbeat(id, plan.now, m.attempt()));
      }
    } else if (c instanceof LedgerPartition.Cancel) {
      cancel(r, (LedgerPartition.Cancel) c, plan);
    } else if (c instanceof LedgerPartition.Retry) {
      LedgerPartition.Retry m = (LedgerPartition.Retry) c;
      if (r != null && (r.status == JobStatus.GAVE_UP || r.status == JobStatus.CANCELLED)) {
        plan.events.add(new JobEvent.OperatorRetried(id, plan.now, r.attempt));
      }
      plan.replies.add(() -> m.replyTo().tell(Optional.ofNullable(r).map(JobRecord::view)));
    }
    plan.touched.add(id);
    return true;
  }

  private static String idOf(Command c) {
    if (c instanceof LedgerPartition.Complete) {
      return ((LedgerPartition.Complete) c).id();
    } else if (c instanceof LedgerPartition.Fail) {
      return ((LedgerPartition.Fail) c).id();
    } else if (c instanceof LedgerPartition.Beat) {
      return ((LedgerPartition.Beat) c).id();
    } else if (c instanceof LedgerPartition.Cancel) {
      return ((LedgerPartition.Cancel) c).id();
    }
    return ((LedgerPartition.Retry) c).id();
  }

  /** The latency sample of a completed or failed attempt: the handler's own invocation → result time. */
  private void sample(String id, int attempt) {
    JobExecution x = p.executions.get(id);
    if (x != null && x.attempt() == attempt && x.hasResult()) {
      p.timeouts.record(x.type, x.latencyMillis());
    }
  }

  private boolean current(JobRecord r, int attempt, String id, String what) {
    if (r == null || r.status != JobStatus.RUNNING || r.attempt != attempt) {
      p.stale(id, attempt, r, what);
      return false;
    }
    return true;
  }

  /** {@code retryAfterMillis}: the least wait the failure asked for ({@code RetryAfter}); the longer of it and the backoff wins. */
  private void retryOrGiveUp(JobRecord r, int attempt, boolean retryable, String reason, long retryAfterMillis, Plan plan) {
    JobType t = p.types.get(r.type);
    RetryPolicy rp = t == null ? RetryPolicy.defaults() : t.policy().retry();
    int used = attempt - r.budgetBase;
    if (retryable && used < rp.maxAttempts()) {
      long notBefore = plan.now + Math.max(rp.backoffBefore(used + 1).toMillis(), retryAfterMillis);
      plan.events.add(new JobEvent.RetryScheduled(r.id, plan.now, attempt + 1, notBefore));
      p.ctx.getLog().debug("ledger job [{}] attempt [{}] ended ({}); retry at attempt [{}]", r.id, attempt, reason, attempt + 1);
    } else {
      String why = retryable ? "attempts exhausted (" + used + " of " + rp.maxAttempts() + "): " + reason : "non-retryable: " + reason;
      plan.events.add(new JobEvent.GaveUp(r.id, plan.now, attempt, why));
      plan.ended.add(r.id);
      p.failureLog.warn("ledger job [{}] type [{}] gave up at attempt [{}]: {}", r.id, r.type, attempt, why);
    }
  }

  private void cancel(JobRecord r, LedgerPartition.Cancel m, Plan plan) {
    if (r != null && !r.status.terminal()) {
      plan.events.add(new JobEvent.Cancelled(r.id, plan.now, r.attempt, "cancelled by request"));
      if (r.status == JobStatus.RUNNING) {
        plan.cancels.put(r.id, "cancelled by request");
      }
      plan.ended.add(r.id);
    }
    plan.replies.add(() -> m.replyTo().tell(Optional.ofNullable(r).map(JobRecord::view)));
  }

  private void reap(PartitionState s, LedgerPartition.ReapOverdue m, Plan plan) {
    int checked = 0;
    int reaped = 0;
    for (DeadlineIndex.Entry e : p.deadlines.due(plan.now)) {
      checked++;
      JobRecord r = s.jobs.get(e.jobId());
      if (r == null || r.status != JobStatus.RUNNING || r.attempt != e.attempt() || plan.touched.contains(e.jobId())) {
        continue;
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
      String reason = overdue(r, x, plan.now);
      plan.events.add(new JobEvent.Reaped(r.id, plan.now, r.attempt, reason));
      plan.cancels.put(r.id, "reaped: " + reason);
      plan.touched.add(r.id);
      retryOrGiveUp(r, r.attempt, true, "reaped: " + reason, 0, plan);
      p.ctx.getLog().info("ledger job [{}] attempt [{}] reaped: {}", r.id, r.attempt, reason);
      reaped++;
    }
    plan.reaped += reaped;
    if (m.replyTo() != null) {
      LedgerPartition.ReapReport report = new LedgerPartition.ReapReport(p.wiring.partition(), m.run(), checked, reaped);
      plan.replies.add(() -> m.replyTo().tell(report));
    }
    p.armReapLookahead(plan.now);
  }

  /**
   * When a running attempt becomes reapable. Start-to-close and the heartbeat timeout count from
   * the handler's invocation: the journaled {@code Started.deadline} (Started time + timeout) is
   * only the earliest possible reap, as the handler runs after the batch is on disk and after a
   * handler thread is free. An attempt not invoked by then gets {@code dispatch-timeout} more
   * (a saturated or wedged handler dispatcher), so every running attempt has a deadline.
   */
  long due(JobRecord r, JobExecution x) {
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

  private long beatDeadline(JobRecord r, JobExecution x, long invoked) {
    JobType t = p.types.get(r.type);
    if (t == null || t.policy().heartbeatTimeout().isEmpty()) {
      return Long.MAX_VALUE;
    }
    return Math.max(x.lastBeat, invoked) + t.policy().heartbeatTimeout().get().toMillis();
  }

  private void parentOutcomes(PartitionState s, LedgerPartition.ParentOutcomes m, Plan plan) {
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
          p.ctx.getLog().info("ledger job [{}] blocked: parent [{}] ended {}", child, parent, status);
        }
      }
    });
  }

  /**
   * Starts ready jobs within the partition's bounds and each type's node-wide permits: a job is
   * Started only with a permit in hand, so a Started attempt is one the handler may run now.
   */
  private void starts(PartitionState s, Plan plan) {
    for (Map.Entry<String, java.util.LinkedHashSet<String>> e : s.ready.entrySet()) {
      JobType t = p.types.get(e.getKey());
      NodePermits.Pool pool = p.wiring.permits().pool(e.getKey());
      if (t == null || pool == null || e.getValue().isEmpty() || s.paused.contains(e.getKey())) {
        continue;
      }
      int slots =
          Math.min(
              Math.min(e.getValue().size(), p.settings.maxRunningPerPartition() - s.totalRunning - plan.starts.size()),
              Math.min(p.settings.maxStartsPerBatch() - plan.starts.size(), p.settings.maxBatch() - plan.events.size()));
      int permits = slots <= 0 ? 0 : pool.acquire(p.wiring.partition(), slots);
      for (String id : e.getValue()) {
        if (permits <= 0 || plan.events.size() >= p.settings.maxBatch()) {
          break;
        }
        if (plan.touched.contains(id)) {
          continue;
        }
        JobRecord r = s.jobs.get(id);
        int cut = cutShort(r);
        int limit = p.settings.maxCutAttempts();
        if (limit > 0 && cut >= limit) {
          String why = "its last " + cut + " attempts were cut short by a node crash without ending"
              + " (warden.ledger.max-cut-attempts = " + limit + "): the job may be what takes its node down";
          plan.events.add(new JobEvent.GaveUp(id, plan.now, r.attempt, why));
          plan.ended.add(id);
          plan.touched.add(id);
          p.failureLog.warn("ledger job [{}] type [{}] gave up at attempt [{}]: {}", id, r.type, r.attempt, why);
          continue;
        }
        Duration timeout = t.policy().startToClose().orElseGet(() -> p.timeouts.timeout(t.name()));
        plan.events.add(new JobEvent.Started(id, plan.now, r.attempt + 1, plan.now + timeout.toMillis()));
        plan.touched.add(id);
        plan.starts.add(id);
        permits--;
      }
      pool.release(p.wiring.partition(), permits); // taken for starts this batch did not make
    }
  }

  /**
   * Attempts at the end of the job's history that started and never ended (no Completed, Failed,
   * Reaped, or Suspended by a graceful stop after them): each was cut short by a crash and resumed
   * as the next one.
   */
  static int cutShort(JobRecord r) {
    int cut = 0;
    for (int i = r.history.size() - 1; i >= 0; i--) {
      JobEvent e = r.history.get(i);
      if (e instanceof JobEvent.Started) {
        cut++;
      } else if (!(e instanceof JobEvent.Heartbeat)) {
        break;
      }
    }
    return cut;
  }

  private void submits(PartitionState s, Plan plan) {
    int created = 0;
    Map<String, LedgerPartition.Submit> inBatch = new HashMap<>();
    while (!submits.isEmpty() && plan.events.size() < p.settings.maxBatch()) {
      LedgerPartition.Submit c = submits.poll();
      JobRecord existing = s.jobs.get(c.id());
      if (existing != null) {
        JobView v = existing.view();
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Accepted(v, false)));
      } else if (inBatch.containsKey(c.id())) {
        plan.accepted.add(new Acc(c, false));
      } else if (p.draining()) {
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Rejected("the ledger is stopping")));
      } else if (s.live + created >= p.settings.maxLivePerPartition()) {
        String why =
            "ledger partition " + p.wiring.partition() + " holds " + (s.live + created)
                + " live jobs (warden.ledger.max-live-jobs-per-partition); retry later";
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Rejected(why)));
      } else {
        plan.events.add(new JobEvent.Submitted(c.id(), plan.now, c.type(), c.payload(), c.parent()));
        inBatch.put(c.id(), c);
        plan.accepted.add(new Acc(c, true));
        created++;
      }
    }
  }

  private void afterPersist(PartitionState st, Plan plan) {
    plan.replies.forEach(Runnable::run);
    if (plan.reaped > 0) {
      p.wiring.stats().reaped.addAndGet(plan.reaped); // every Reaped event, whether the reaper's tick or the partition's look-ahead asked
    }
    Map<Integer, List<String>> watch = new HashMap<>();
    for (Acc a : plan.accepted) {
      LedgerPartition.Submit c = a.submit();
      boolean created = a.created();
      JobRecord r = st.jobs.get(c.id());
      c.replyTo().tell(new LedgerPartition.Accepted(r.view(), created));
      if (c.parent() != null && created) {
        watch.computeIfAbsent(p.settings.partitionOf(c.parent()), k -> new ArrayList<>()).add(c.parent());
      }
    }
    watch.forEach((part, parents) -> p.toPartition(part, new LedgerPartition.WatchParents(p.wiring.partition(), parents)));
    plan.finished.forEach((id, attempt) -> {
      JobExecution x = p.executions.get(id);
      if (x != null && x.attempt() == attempt) {
        p.executions.remove(id);
      }
    });
    plan.cancels.forEach((id, reason) -> {
      JobExecution x = p.executions.remove(id);
      if (x != null) {
        x.cancel(reason);
      }
    });
    for (String id : plan.starts) {
      JobRecord r = st.jobs.get(id);
      JobType t = p.types.get(r.type);
      JobExecution x = new JobExecution(id, r.attempt, r.type, r.deadline - r.startedAt, p.ctx.getSelf(), p.settings);
      p.executions.put(id, x);
      p.deadlines.add(Math.min(r.deadline, beatDeadline(r, x, r.startedAt)), id, r.attempt); // the earliest it can be due; see due()
      x.start(t, r.payload, p.handlers);
    }
    if (!plan.starts.isEmpty()) {
      p.armReapLookahead(System.currentTimeMillis());
    }
    ended(st, plan);
    p.wiring.permits().settle(p.wiring.partition(), st); // ended attempts give their permits back
    if (!plan.events.isEmpty()) {
      p.wiring.stats().publish(p.wiring.partition(), st.counts);
    }
    long nextRetry = st.releaseDueRetries(System.currentTimeMillis());
    if (nextRetry > 0) {
      p.timers.startSingleTimer(RETRY_TIMER, LedgerPartition.Flush.INSTANCE, Duration.ofMillis(Math.max(1, nextRetry - System.currentTimeMillis())));
    }
    if (!idle() || dispatchable(st)) {
      p.requestFlush();
    }
    p.checkDrained();
  }

  private void ended(PartitionState st, Plan plan) {
    Map<Integer, Map<String, JobStatus>> outcomes = new HashMap<>();
    for (String id : plan.ended) {
      JobRecord r = st.jobs.get(id);
      if (r == null) {
        continue;
      }
      List<org.apache.pekko.actor.typed.ActorRef<Optional<JobView>>> w = p.waiters.remove(id);
      if (w != null) {
        JobView v = r.view();
        w.forEach(ref -> ref.tell(Optional.of(v)));
      }
      Set<Integer> watching = r.status == JobStatus.SUCCEEDED ? p.watchers.remove(id) : p.watchers.get(id);
      if (watching != null) {
        watching.forEach(part -> outcomes.computeIfAbsent(part, k -> new HashMap<>()).put(id, r.status));
      }
    }
    outcomes.forEach((part, o) -> p.toPartition(part, new LedgerPartition.ParentOutcomes(o)));
  }

  private boolean dispatchable(PartitionState st) {
    if (p.draining() || st.totalRunning >= p.settings.maxRunningPerPartition()) {
      return false;
    }
    for (Map.Entry<String, java.util.LinkedHashSet<String>> e : st.ready.entrySet()) {
      NodePermits.Pool pool = p.wiring.permits().pool(e.getKey());
      if (p.types.containsKey(e.getKey()) && pool != null && !e.getValue().isEmpty() && !st.paused.contains(e.getKey())
          && pool.available(p.wiring.partition())) {
        return true;
      }
    }
    return false;
  }
}
