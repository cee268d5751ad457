package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A partition's jobs plus indexes kept incrementally by {@link #apply}: ready jobs per type, the
 * retry queue, running counts, children waiting per parent and counts per type and bucket.
 * Mutable, owned by one partition (its single writer); snapshots are immutable copies.
 */
final class PartitionState {
  private final int retained;
  /** In submit order, so pending jobs keep it across snapshots (a snapshot lists them in this order). */
  final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  final Map<String, LinkedHashSet<String>> ready = new HashMap<>();
  final PriorityQueue<RetryEntry> retries = new PriorityQueue<>((a, b) -> Long.compare(a.notBefore, b.notBefore));

  private record RetryEntry(long notBefore, JobRecord job) {}
  final Map<String, Integer> running = new HashMap<>();
  final Map<String, Set<String>> children = new HashMap<>();
  final Map<String, Map<String, Long>> counts = new TreeMap<>();
  private final ArrayDeque<String> terminalOrder = new ArrayDeque<>();
  /** Job types paused in this partition: their jobs are accepted and kept, none is started. */
  final Set<String> paused = new TreeSet<>();
  int totalRunning;
  int live;

  PartitionState(int retained) {
    this.retained = retained;
  }

  static PartitionState of(PartitionSnapshot s, int retained) {
    PartitionState st = new PartitionState(retained);
    for (JobSnapshot j : s.jobs()) {
      JobRecord r = JobRecord.of(j);
      st.jobs.put(r.id, r);
      if (!r.status.terminal()) {
        st.enter(r, r.status); // terminal jobs are queued for retention below, in the snapshot's order
      }
    }
    // Snapshots taken after an earlier restore may name a job twice: keep its latest place.
    ArrayDeque<String> order = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    List<String> saved = s.terminalOrder();
    for (int i = saved.size() - 1; i >= 0; i--) {
      String id = saved.get(i);
      JobRecord r = st.jobs.get(id);
      if (r != null && r.status.terminal() && seen.add(id)) {
        order.addFirst(id);
      }
    }
    st.terminalOrder.addAll(order);
    st.counts.clear();
    s.counts().forEach((type, buckets) -> st.counts.put(type, new TreeMap<>(buckets)));
    st.paused.addAll(s.paused());
    return st;
  }

  PartitionSnapshot snapshot() {
    List<JobSnapshot> out = new ArrayList<>(jobs.size());
    jobs.values().forEach(j -> out.add(j.snapshot()));
    Map<String, Map<String, Long>> c = new TreeMap<>();
    counts.forEach((type, buckets) -> c.put(type, Map.copyOf(buckets)));
    return new PartitionSnapshot(out, List.copyOf(terminalOrder), c, List.copyOf(paused));
  }

  PartitionState apply(LedgerBatch batch) {
    batch.events().forEach(this::apply);
    for (TypeHold h : batch.holds()) {
      if (h.paused()) {
        paused.add(h.type());
      } else {
        paused.remove(h.type());
      }
    }
    return this;
  }

  void apply(JobEvent e) {
    if (e instanceof JobEvent.Submitted s) {
      JobRecord r = new JobRecord(s.jobId(), s.type(), s.payload(), s.parent(), new ArrayList<>(4));
      r.history.add(e);
      jobs.put(r.id, r);
      enter(r, s.parent() == null ? JobStatus.PENDING : JobStatus.WAITING_FOR_PARENT);
      return;
    }
    JobRecord r = jobs.get(e.jobId());
    if (r == null) {
      return; // forgotten by retention; its events stay in the journal
    }
    r.history.add(e);
    if (e instanceof JobEvent.Started s) {
      r.attempt = s.attempt();
      r.deadline = s.deadline();
      r.startedAt = s.at();
      move(r, JobStatus.RUNNING);
    } else if (e instanceof JobEvent.Completed c) {
      r.result = c.result();
    } else if (e instanceof JobEvent.Failed f) {
      r.cause = f.cause();
      keepOnlyLastTrace(r, f);
    } else if (e instanceof JobEvent.Reaped reaped) {
      r.cause = "reaped: " + reaped.reason();
    } else if (e instanceof JobEvent.RetryScheduled retry) {
      r.notBefore = retry.notBefore();
      move(r, JobStatus.RETRY_WAIT);
    } else if (e instanceof JobEvent.Succeeded) {
      move(r, JobStatus.SUCCEEDED);
    } else if (e instanceof JobEvent.GaveUp g) {
      if (r.cause == null) { // given up without a failure of its own (its attempts were all cut short)
        r.cause = g.reason();
      }
      move(r, JobStatus.GAVE_UP);
    } else if (e instanceof JobEvent.Cancelled) {
      move(r, JobStatus.CANCELLED);
    } else if (e instanceof JobEvent.BlockedByParent) {
      move(r, JobStatus.BLOCKED_BY_PARENT);
    } else if (e instanceof JobEvent.Released) {
      move(r, JobStatus.PENDING);
    } else if (e instanceof JobEvent.OperatorRetried) {
      r.budgetBase = r.attempt;
      r.cause = null;
      r.lastFailure = null;
      move(r, JobStatus.PENDING);
    } else if (e instanceof JobEvent.Suspended s) {
      if (r.status == JobStatus.RUNNING && r.attempt == s.attempt()) {
        r.budgetBase++; // stopped by a deploy: the attempt it resumes as does not use up a retry
      }
    }
  }

  /**
   * Memory stays bounded by one stack trace per job: the previous failure's trace is dropped from
   * the in-memory history (and so from later snapshots); the journal's rows keep every one.
   */
  private static void keepOnlyLastTrace(JobRecord r, JobEvent.Failed latest) {
    JobEvent.Failed previous = r.lastFailure;
    if (previous != null && previous.stackTrace() != null) {
      int i = r.history.lastIndexOf(previous);
      if (i >= 0) {
        r.history.set(i, withoutTrace(previous));
      }
    }
    r.lastFailure = latest;
  }

  private static JobEvent.Failed withoutTrace(JobEvent.Failed f) {
    return new JobEvent.Failed(f.jobId(), f.at(), f.attempt(), f.cause(), f.retryable(), f.errorClass(), null);
  }

  /**
   * After recovery: resumes the jobs that were running ({@link #resumeRunning}) and counts what was
   * found, for the node's one startup line.
   */
  LedgerPartition.Recovered recover(int partition) {
    int resumed = resumeRunning();
    int pending = 0, retry = 0, waiting = 0, blocked = 0, terminal = 0;
    for (JobRecord r : jobs.values()) {
      switch (r.status) {
        case PENDING -> pending++;
        case RETRY_WAIT -> retry++;
        case WAITING_FOR_PARENT -> waiting++;
        case BLOCKED_BY_PARENT -> blocked++;
        default -> terminal++;
      }
    }
    // resumed jobs are pending again, counted apart
    return new LedgerPartition.Recovered(partition, pending - resumed, resumed, retry, waiting, blocked, terminal);
  }

  /**
   * Jobs running before a crash or stop become ready again (each one's next Started is a new
   * attempt), ahead of the pending jobs of their type: work cut short goes first, and pending jobs
   * keep their submit order behind it. Answers how many were resumed.
   */
  int resumeRunning() {
    Map<String, List<String>> resumed = new HashMap<>();
    for (JobRecord r : jobs.values()) {
      if (r.status == JobStatus.RUNNING) {
        resumed.computeIfAbsent(r.type, t -> new ArrayList<>()).add(r.id);
      }
    }
    int n = 0;
    for (Map.Entry<String, List<String>> e : resumed.entrySet()) {
      for (String id : e.getValue()) {
        move(jobs.get(id), JobStatus.PENDING);
        n++;
      }
      LinkedHashSet<String> first = new LinkedHashSet<>(e.getValue());
      first.addAll(ready.get(e.getKey())); // the resumed ones are in it already, at the end: their place stays first
      ready.put(e.getKey(), first);
    }
    return n;
  }

  /** Moves retries whose not-before has passed into the ready sets; answers the next due time or 0. */
  long releaseDueRetries(long now) {
    while (!retries.isEmpty()) {
      RetryEntry e = retries.peek();
      JobRecord r = e.job();
      if (r.status != JobStatus.RETRY_WAIT || r.notBefore != e.notBefore()) {
        retries.poll();
      } else if (r.notBefore <= now) {
        retries.poll();
        ready.computeIfAbsent(r.type, t -> new LinkedHashSet<>()).add(r.id);
      } else {
        return e.notBefore();
      }
    }
    return 0;
  }

  int running(String type) {
    return running.getOrDefault(type, 0);
  }

  private void move(JobRecord r, JobStatus to) {
    leave(r, r.status);
    enter(r, to);
  }

  private void leave(JobRecord r, JobStatus from) {
    bump(r.type, from.bucket(), -1);
    if (!from.terminal()) {
      live--;
    }
    switch (from) {
      case PENDING, RETRY_WAIT -> {
        LinkedHashSet<String> q = ready.get(r.type);
        if (q != null) {
          q.remove(r.id);
        }
      }
      case RUNNING -> {
        running.merge(r.type, -1, Integer::sum);
        totalRunning--;
      }
      case WAITING_FOR_PARENT, BLOCKED_BY_PARENT -> {
        Set<String> c = children.get(r.parent);
        if (c != null && c.remove(r.id) && c.isEmpty()) {
          children.remove(r.parent);
        }
      }
      default -> {}
    }
  }

  private void enter(JobRecord r, JobStatus to) {
    r.status = to;
    bump(r.type, to.bucket(), 1);
    if (!to.terminal()) {
      live++;
    }
    switch (to) {
      case PENDING -> ready.computeIfAbsent(r.type, t -> new LinkedHashSet<>()).add(r.id);
      case RETRY_WAIT -> retries.add(new RetryEntry(r.notBefore, r));
      case RUNNING -> {
        running.merge(r.type, 1, Integer::sum);
        totalRunning++;
      }
      case WAITING_FOR_PARENT, BLOCKED_BY_PARENT -> children.computeIfAbsent(r.parent, p -> new HashSet<>()).add(r.id);
      default -> retain(r);
    }
  }

  private void retain(JobRecord r) {
    terminalOrder.addLast(r.id);
    while (terminalOrder.size() > retained) {
      String old = terminalOrder.pollFirst();
      JobRecord o = jobs.get(old);
      if (o != null && o.status.terminal()) {
        jobs.remove(old); // counts of terminal buckets stay cumulative
      }
    }
  }

  private void bump(String type, String bucket, long by) {
    counts.computeIfAbsent(type, t -> new TreeMap<>()).merge(bucket, by, Long::sum);
  }
}
