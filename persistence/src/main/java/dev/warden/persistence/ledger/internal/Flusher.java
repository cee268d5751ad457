package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Command;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * Turns a partition's buffered commands into one {@link LedgerBatch}: reports first (they free
 * slots and finish work; {@link ReportRules}), then starts, then new submits; answers and side
 * effects run once the batch is journaled. A job touched twice in one batch has its second report
 * deferred to the next flush, so every decision is made against journaled state.
 */
final class Flusher {
  private static final String RETRY_TIMER = "retry-due";

  final ArrayDeque<Command> reports = new ArrayDeque<>();
  final ArrayDeque<LedgerPartition.Submit> submits = new ArrayDeque<>();
  private final LedgerPartition p;
  private final ReportRules rules;
  /** The batch being journaled, until its answers are sent; see {@link #abandon}. */
  private FlushPlan persisting;

  Flusher(LedgerPartition partition) {
    this.p = partition;
    this.rules = new ReportRules(partition);
  }

  boolean idle() {
    return reports.isEmpty() && submits.isEmpty();
  }

  Effect<LedgerBatch, PartitionState> flush(PartitionState s, LedgerPartition.Flush f) {
    p.flushScheduled = false;
    FlushPlan plan = new FlushPlan(p.clock.millis());
    ArrayDeque<Command> deferred = new ArrayDeque<>();
    while (!reports.isEmpty() && plan.events.size() < p.settings.maxBatch()) {
      Command c = reports.poll();
      if (!rules.apply(s, c, plan)) {
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
    persisting = plan;
    return effect.persist(new LedgerBatch(List.copyOf(plan.events))).thenRun(st -> afterPersist(st, plan));
  }

  /**
   * This incarnation of the partition ends before its batch was journaled (a journal write or read
   * failed, and its supervisor restarts it) or with submits still buffered: their callers would
   * otherwise wait out their ask timeout for an answer that never comes. Each is answered "not
   * recorded, retry" ({@code stopping}: the facade retries where it may, cluster mode's asks, and the
   * host may submit again, as a submit is idempotent by id). Whether a failed write reached the
   * database is not known here; the next incarnation replays whatever did.
   */
  void abandon(String why) {
    LedgerPartition.Rejected rejected = new LedgerPartition.Rejected(why, true);
    if (persisting != null) {
      persisting.admitted.forEach(a -> a.submit().replyTo().tell(rejected));
      persisting = null;
    }
    submits.forEach(c -> c.replyTo().tell(rejected));
    submits.clear();
  }

  /**
   * Starts ready jobs within the partition's bounds and each type's node-wide permits: a job is
   * Started only with a permit in hand, so a Started attempt is one the handler may run now.
   */
  private void starts(PartitionState s, FlushPlan plan) {
    for (Map.Entry<String, LinkedHashSet<String>> e : s.ready.entrySet()) {
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
          JobMdc.log(id, r.type, () -> p.failureLog.warn("ledger job [{}] type [{}] gave up at attempt [{}]: {}", id, r.type, r.attempt, why));
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
   * Reaped, or Suspended by a graceful stop after them; heartbeats and stale reports do not end one):
   * each was cut short by a crash and resumed as the next one.
   */
  static int cutShort(JobRecord r) {
    int cut = 0;
    for (int i = r.history.size() - 1; i >= 0; i--) {
      JobEvent e = r.history.get(i);
      if (e instanceof JobEvent.Started) {
        cut++;
      } else if (!JobEvent.note(e)) {
        break;
      }
    }
    return cut;
  }

  private void submits(PartitionState s, FlushPlan plan) {
    int created = 0;
    Map<String, LedgerPartition.Submit> inBatch = new HashMap<>();
    while (!submits.isEmpty() && plan.events.size() < p.settings.maxBatch()) {
      LedgerPartition.Submit c = submits.poll();
      JobRecord existing = s.jobs.get(c.id());
      if (existing != null) {
        JobView v = existing.view();
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Accepted(v, false)));
      } else if (inBatch.containsKey(c.id())) {
        plan.admitted.add(new FlushPlan.Admitted(c, false));
      } else if (p.draining()) {
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Rejected("the ledger is stopping (a graceful stop, or a hand-over of its partition to another node)", true)));
      } else if (s.live + created >= p.settings.maxLivePerPartition()) {
        String why =
            "ledger partition " + p.wiring.partition() + " holds " + (s.live + created)
                + " live jobs (warden.ledger.max-live-jobs-per-partition); retry later";
        plan.replies.add(() -> c.replyTo().tell(new LedgerPartition.Rejected(why)));
      } else {
        plan.events.add(new JobEvent.Submitted(c.id(), plan.now, c.type(), c.payload(), c.parent()));
        inBatch.put(c.id(), c);
        plan.admitted.add(new FlushPlan.Admitted(c, true));
        created++;
      }
    }
  }

  private void afterPersist(PartitionState st, FlushPlan plan) {
    persisting = null;
    plan.replies.forEach(Runnable::run);
    if (plan.reaped > 0) {
      p.wiring.stats().reaped.addAndGet(plan.reaped); // every Reaped event, whether the reaper's tick or the partition's look-ahead asked
    }
    Map<Integer, List<String>> watch = new HashMap<>();
    for (FlushPlan.Admitted a : plan.admitted) {
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
      JobExecution x = new JobExecution(id, r.attempt, r.type, r.deadline - r.startedAt, p.ctx.getSelf(), p.settings, p.clock);
      p.executions.put(id, x);
      p.deadlines.add(Math.min(r.deadline, rules.beatDeadline(r, x, r.startedAt)), id, r.attempt); // the earliest it can be due
      x.start(t, r.payload, p.handlers);
    }
    if (!plan.starts.isEmpty()) {
      p.armReapLookahead(p.clock.millis());
    }
    ended(st, plan);
    p.wiring.permits().settle(p.wiring.partition(), st); // ended attempts give their permits back
    if (!plan.events.isEmpty()) {
      p.wiring.stats().publish(p.wiring.partition(), st.counts);
    }
    long nextRetry = st.releaseDueRetries(p.clock.millis());
    if (nextRetry > 0) {
      p.timers.startSingleTimer(RETRY_TIMER, LedgerPartition.Flush.INSTANCE, Duration.ofMillis(Math.max(1, nextRetry - p.clock.millis())));
    }
    if (!idle() || dispatchable(st)) {
      p.requestFlush();
    }
    p.checkDrained();
  }

  private void ended(PartitionState st, FlushPlan plan) {
    Map<Integer, Map<String, JobStatus>> outcomes = new HashMap<>();
    for (String id : plan.ended) {
      JobRecord r = st.jobs.get(id);
      if (r == null) {
        continue;
      }
      List<ActorRef<LedgerPartition.Found>> w = p.waiters.remove(id);
      if (w != null) {
        LedgerPartition.Found found = new LedgerPartition.Found(Optional.of(r.view()));
        w.forEach(ref -> ref.tell(found));
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
    for (Map.Entry<String, LinkedHashSet<String>> e : st.ready.entrySet()) {
      NodePermits.Pool pool = p.wiring.permits().pool(e.getKey());
      if (p.types.containsKey(e.getKey()) && pool != null && !e.getValue().isEmpty() && !st.paused.contains(e.getKey())
          && pool.available(p.wiring.partition())) {
        return true;
      }
    }
    return false;
  }
}
