package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenSerializable;
import dev.warden.persistence.ledger.JobPage;
import dev.warden.persistence.ledger.JobQuery;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link LedgerPartition} is told and answers. {@code LedgerPartition} implements this
 * interface only to carry its protocol under its own name ({@code LedgerPartition.Submit} is
 * {@code PartitionProtocol.Submit}), so the behavior's file keeps the behavior; its private ticks
 * ({@code Flush}, {@code DrainTimeout}, {@code Wake}) stay in it.
 */
public interface PartitionProtocol {
  /**
   * Serializable (jackson-json) since cluster mode sends them between nodes; {@link RegisterType},
   * {@link Drain} and the private ticks never leave their node.
   */
  sealed interface Command extends WardenSerializable
      permits JobReport, Submit, GetStatus, GetHistory, ListJobs, AwaitResult, RegisterType, ReapOverdue, WatchParents, ParentOutcomes,
          Rewatch, Hold, Drain, LedgerPartition.Flush, LedgerPartition.DrainTimeout, LedgerPartition.Wake, TypesChanged, HandOff {}

  /** A report about one job, written in the next batch (at most one per job and batch). */
  sealed interface JobReport extends Command permits Complete, Fail, Beat, Cancel, Retry {
    String id();
  }

  /** Reply to {@link Submit}. */
  sealed interface SubmitReply extends WardenSerializable permits Accepted, Rejected {}

  /** {@code created} false: the id existed, {@code job} is the existing job. */
  record Accepted(JobView job, boolean created) implements SubmitReply {}

  /** {@code stopping}: the partition is draining (a graceful stop or a hand-over to another node): the same submit may succeed elsewhere soon. */
  record Rejected(String reason, boolean stopping) implements SubmitReply {
    public Rejected(String reason) {
      this(reason, false);
    }
  }

  /** Reply to {@link GetStatus}, {@link AwaitResult}, {@link Cancel} and {@link Retry}: the job, empty for an unknown id. */
  record Found(Optional<JobView> job) implements WardenSerializable {}

  /** Reply to {@link ListJobs}. */
  record Listed(List<JobPage.Entry> entries) implements WardenSerializable {}

  record Submit(String id, String type, String payload, String parent, ActorRef<SubmitReply> replyTo) implements Command {}

  record GetStatus(String id, ActorRef<Found> replyTo) implements Command {}

  /** Answered with the job's events as one batch (the ledger codec's form, which travels between nodes too). */
  record GetHistory(String id, ActorRef<LedgerBatch> replyTo) implements Command {}

  /**
   * Added for the HTTP API (issue 21): up to {@code limit + 1} of this partition's jobs that match
   * the query, in no order ({@code JobLedger.list} merges the partitions' answers). From memory only.
   */
  record ListJobs(JobQuery query, ActorRef<Listed> replyTo) implements Command {}

  /** Answered once the job is terminal (at once if it is); empty for an unknown id. */
  record AwaitResult(String id, ActorRef<Found> replyTo) implements Command {}

  record Cancel(String id, ActorRef<Found> replyTo) implements JobReport {}

  /** Operator retry of a job that gave up or was cancelled: a new round of attempts. */
  record Retry(String id, ActorRef<Found> replyTo) implements JobReport {}

  /** Local only: carries the handler. */
  record RegisterType(JobType type) implements Command {}

  record Complete(String id, int attempt, String result) implements JobReport {}

  /**
   * {@code errorClass} and {@code stackTrace} (bounded, warden.ledger.failures) may be null;
   * {@code retryAfterMillis}: the least wait before a retry the failure asked for ({@code RetryAfter}), 0 for none.
   */
  record Fail(String id, int attempt, String cause, boolean retryable, String errorClass, String stackTrace,
      long retryAfterMillis) implements JobReport {
    public Fail(String id, int attempt, String cause, boolean retryable) {
      this(id, attempt, cause, retryable, null, null, 0);
    }
  }

  record Beat(String id, int attempt) implements JobReport {}

  /**
   * The reaper asks: reap every running attempt whose deadline has passed. The partition's own
   * look-ahead sends it with run 0 and no {@code replyTo}.
   */
  record ReapOverdue(long run, ActorRef<ReapReport> replyTo) implements Command {}

  record ReapReport(int partition, long run, int checked, int reaped) implements WardenSerializable {}

  /** A child partition watches these parents (in this partition). */
  record WatchParents(int watcher, List<String> parents) implements Command {}

  /** Parents the sender owns reached a status that matters to children here. */
  record ParentOutcomes(Map<String, JobStatus> outcomes) implements Command {}

  /** Partition {@code partition} recovered and forgot its watchers: watch again. */
  record Rewatch(int partition) implements Command {}

  /** Pause (or resume) a job type in this partition, journaled; answered once written. */
  record Hold(String type, boolean paused, ActorRef<Done> replyTo) implements Command {}

  /** Graceful stop: start nothing new, let running attempts finish (bounded), write, answer. */
  record Drain(ActorRef<Done> replyTo) implements Command {}

  /** Recovery summary for the node's one startup line. */
  record Recovered(int partition, int pending, int resumed, int retryWait, int waiting, int blocked, int terminal) {}

  /** Cluster mode: job types were registered on the node hosting this partition; take them from its registry. */
  enum TypesChanged implements Command {
    INSTANCE
  }

  /**
   * Cluster mode: sharding moves this partition to another node (a graceful leave or a rebalance):
   * drain as at a graceful stop, then stop; the partition recovers from the journal where it lands.
   */
  enum HandOff implements Command {
    INSTANCE
  }
}
