package dev.warden.persistence.ledger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Cluster mode's retries of idempotent asks to a partition that may be moving: the facade's
 * submits and reads ({@link JobLedger}) and the operator's pause and resume ({@link LedgerControl}).
 * In local mode, the operator's pause and resume asked again after the partition's incarnation
 * ended before answering them.
 */
final class Retries {
  private Retries() {}

  /**
   * Tries {@code once} until it answers with a reply {@code again} does not accept or fails in a way
   * {@code retryable} (given the try's number, from 0, and the cause) does not accept, or until
   * {@code deadline} (System.nanoTime) has passed; then the last outcome stands. Pauses 100 ms
   * between tries, doubling up to 1 s.
   */
  static <R> CompletionStage<R> until(ActorSystem<?> system, long deadline, Supplier<CompletionStage<R>> once, Predicate<R> again,
      BiPredicate<Integer, Throwable> retryable) {
    CompletableFuture<R> out = new CompletableFuture<>();
    attempt(system, deadline, once, again, retryable, 0, 100, out);
    return out;
  }

  private static <R> void attempt(ActorSystem<?> system, long deadline, Supplier<CompletionStage<R>> once, Predicate<R> again,
      BiPredicate<Integer, Throwable> retryable, int n, long pauseMs, CompletableFuture<R> out) {
    CompletionStage<R> tried;
    try {
      tried = once.get();
    } catch (RuntimeException e) { // the node is stopping: nothing to ask any more
      out.completeExceptionally(e);
      return;
    }
    tried.whenComplete((r, t) -> {
      boolean retry = t == null ? again.test(r) : retryable.test(n, unwrap(t));
      if (!retry || deadline - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(pauseMs)) {
        if (t == null) {
          out.complete(r);
        } else {
          out.completeExceptionally(t);
        }
        return;
      }
      try {
        system.scheduler().scheduleOnce(Duration.ofMillis(pauseMs),
            () -> attempt(system, deadline, once, again, retryable, n + 1, Math.min(pauseMs * 2, 1000), out), system.executionContext());
      } catch (RuntimeException e) { // the scheduler is gone with its ActorSystem: the last outcome stands
        if (t == null) {
          out.complete(r);
        } else {
          out.completeExceptionally(t);
        }
      }
    });
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
