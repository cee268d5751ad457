package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobPage;
import dev.warden.persistence.ledger.JobQuery;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.internal.PartitionProtocol.AwaitResult;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Found;
import dev.warden.persistence.ledger.internal.PartitionProtocol.GetHistory;
import dev.warden.persistence.ledger.internal.PartitionProtocol.GetStatus;
import dev.warden.persistence.ledger.internal.PartitionProtocol.ListJobs;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Listed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/** A partition's answers from memory: a job's status and history, a page of jobs, and waits for a job's end. */
final class PartitionQueries {
  private final LedgerPartition p;

  PartitionQueries(LedgerPartition partition) {
    this.p = partition;
  }

  Effect<LedgerBatch, PartitionState> onGetStatus(PartitionState s, GetStatus g) {
    return p.effects().reply(g.replyTo(), new Found(Optional.ofNullable(s.jobs.get(g.id())).map(JobRecord::view)));
  }

  Effect<LedgerBatch, PartitionState> onGetHistory(PartitionState s, GetHistory g) {
    JobRecord r = s.jobs.get(g.id());
    return p.effects().reply(g.replyTo(), new LedgerBatch(r == null ? List.of() : List.copyOf(r.history)));
  }

  /**
   * Added for the HTTP API (issue 21), the ledger's one list query: one pass over the jobs in
   * memory keeping the first {@code limit + 1} in the query's order (a bounded heap whose head is the
   * last kept), so a page costs O(jobs · log limit) here and nothing in the journal.
   */
  Effect<LedgerBatch, PartitionState> onListJobs(PartitionState s, ListJobs l) {
    JobQuery q = l.query();
    ToLongFunction<JobRecord> submittedAt = r -> r.history.isEmpty() ? 0 : r.history.get(0).at();
    int keep = q.limit() + 1;
    PriorityQueue<JobRecord> kept = new PriorityQueue<>(keep + 1,
        (a, b) -> q.compare(submittedAt.applyAsLong(b), b.id, submittedAt.applyAsLong(a), a.id));
    for (JobRecord r : s.jobs.values()) {
      if (q.matches(r.id, r.type, r.status) && q.beyondCursor(submittedAt.applyAsLong(r), r.id)) {
        kept.add(r);
        if (kept.size() > keep) {
          kept.poll();
        }
      }
    }
    List<JobPage.Entry> out = new ArrayList<>(kept.size());
    for (JobRecord r : kept) {
      JobView v = r.view();
      out.add(new JobPage.Entry(submittedAt.applyAsLong(r),
          new JobView(v.id(), v.type(), v.status(), v.attempt(), v.parent(), v.result(), v.cause())));
    }
    return p.effects().reply(l.replyTo(), new Listed(out));
  }

  Effect<LedgerBatch, PartitionState> onAwaitResult(PartitionState s, AwaitResult a) {
    JobRecord r = s.jobs.get(a.id());
    if (r == null || r.status.terminal()) {
      return p.effects().reply(a.replyTo(), new Found(Optional.ofNullable(r).map(JobRecord::view)));
    }
    p.waiters.computeIfAbsent(a.id(), k -> new ArrayList<>(1)).add(a.replyTo());
    return p.effects().none();
  }
}
