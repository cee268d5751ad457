package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobContext;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerSettings;
import dev.warden.persistence.ledger.RetryAfter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One running attempt: its context and the handler call on the handler dispatcher. Reports
 * (heartbeat, complete, fail) go to the partition as messages carrying the attempt number.
 *
 * <p>The handler thread stamps two moments the partition reads (volatile, written once each):
 * when the handler was invoked (deadlines count from there, not from when Started was queued or
 * journaled) and when its result was handed to the partition (from then on the attempt is never
 * reaped, and invocation → result is its latency sample, free of any journal queueing).
 */
final class JobExecution implements JobContext {
  private final String jobId;
  private final int attempt;
  private final ActorRef<LedgerPartition.Command> partition;
  private final long heartbeatMinNanos;
  private final LedgerSettings settings;
  private final LedgerClock clock;
  private final AtomicLong lastSent = new AtomicLong(System.nanoTime());
  private final CompletableFuture<String> cancelled = new CompletableFuture<>();
  final String type;
  /** Start-to-close timeout of this attempt, counted from {@link #invokedAtMillis}. */
  final long timeoutMillis;
  private long invokedNanos;
  private volatile long invokedAtMillis;
  private long resultNanos;
  private volatile boolean hasResult;
  /** Epoch ms of the last heartbeat seen by the partition; partition-owned. */
  long lastBeat;
  long lastJournaledBeat;

  JobExecution(
      String jobId, int attempt, String type, long timeoutMillis, ActorRef<LedgerPartition.Command> partition, LedgerSettings settings,
      LedgerClock clock) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.type = type;
    this.timeoutMillis = timeoutMillis;
    this.partition = partition;
    this.heartbeatMinNanos = settings.heartbeatMinInterval().toNanos();
    this.settings = settings;
    this.clock = clock;
    this.lastBeat = clock.millis();
    this.lastJournaledBeat = lastBeat;
  }

  /** Runs {@code handler} on {@code executor}; never on the calling (actor) thread. */
  void start(JobType jobType, String payload, Executor executor) {
    executor.execute(() -> invoke(jobType, payload));
  }

  private void invoke(JobType jobType, String payload) {
    invokedNanos = System.nanoTime();
    invokedAtMillis = clock.millis(); // volatile write publishes invokedNanos
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
    resultNanos = System.nanoTime();
    hasResult = true; // volatile write publishes resultNanos; set before the report is sent
    if (failure == null) {
      partition.tell(new LedgerPartition.Complete(jobId, attempt, result == null ? "" : result));
      return;
    }
    Throwable t = unwrap(failure);
    int maxMessage = settings.maxFailureMessageChars();
    long retryAfterMillis = t instanceof RetryAfter r ? Math.max(0, r.retryAfter().toMillis()) : 0;
    partition.tell(new LedgerPartition.Fail(jobId, attempt, Failures.cause(t, maxMessage), jobType.policy().retry().retryable(t),
        t.getClass().getName(), Failures.trace(t, maxMessage, settings.maxStackTraceChars()), retryAfterMillis));
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

  /** Epoch ms the handler was invoked; 0 while the attempt still waits for a handler thread. */
  long invokedAtMillis() {
    return invokedAtMillis;
  }

  /** True once the handler's result (success or failure) is on its way to the partition. */
  boolean hasResult() {
    return hasResult;
  }

  /** Invocation to result in ms; only meaningful once {@link #hasResult()}. */
  long latencyMillis() {
    return hasResult ? (resultNanos - invokedNanos) / 1_000_000 : -1;
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
