package dev.warden.persistence.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One running attempt: its context and the handler call on the handler dispatcher. Reports
 * (heartbeat, complete, fail) go to the partition as messages carrying the attempt number.
 */
final class JobExecution implements JobContext {
  private final String jobId;
  private final int attempt;
  private final ActorRef<LedgerPartition.Command> partition;
  private final long heartbeatMinNanos;
  private final AtomicLong lastSent = new AtomicLong(System.nanoTime());
  private final CompletableFuture<String> cancelled = new CompletableFuture<>();
  final String type;
  final long startNanos = System.nanoTime();
  /** Epoch ms of the last heartbeat seen by the partition; partition-owned. */
  long lastBeat = System.currentTimeMillis();
  long lastJournaledBeat = lastBeat;

  JobExecution(String jobId, int attempt, String type, ActorRef<LedgerPartition.Command> partition, long heartbeatMinNanos) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.type = type;
    this.partition = partition;
    this.heartbeatMinNanos = heartbeatMinNanos;
  }

  /** Runs {@code handler} on {@code executor}; never on the calling (actor) thread. */
  void start(JobType jobType, String payload, Executor executor) {
    executor.execute(() -> invoke(jobType, payload));
  }

  private void invoke(JobType jobType, String payload) {
    CompletionStage<String> stage;
    try {
      stage = jobType.handler().run(payload, this);
      if (stage == null) {
        throw new IllegalStateException("handler of type [" + jobType.name() + "] returned null");
      }
    } catch (Throwable t) {
      report(jobType, null, t);
      return;
    }
    stage.whenComplete((r, t) -> report(jobType, r, t));
  }

  private void report(JobType jobType, String result, Throwable failure) {
    if (failure == null) {
      partition.tell(new LedgerPartition.Complete(jobId, attempt, result == null ? "" : result));
      return;
    }
    Throwable t = unwrap(failure);
    String cause = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    partition.tell(new LedgerPartition.Fail(jobId, attempt, cause, jobType.policy().retry().retryable(t)));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  void cancel(String reason) {
    cancelled.complete(reason);
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public String jobId() {
    return jobId;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public void heartbeat() {
    long now = System.nanoTime();
    long last = lastSent.get();
    if (!cancelled.isDone() && now - last >= heartbeatMinNanos && lastSent.compareAndSet(last, now)) {
      partition.tell(new LedgerPartition.Beat(jobId, attempt));
    }
  }

  @Override
  public CompletionStage<String> cancelled() {
    return cancelled.minimalCompletionStage();
  }

  @Override
  public boolean isCancelled() {
    return cancelled.isDone();
  }
}
