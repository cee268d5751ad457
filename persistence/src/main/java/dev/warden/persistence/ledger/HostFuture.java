package dev.warden.persistence.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the facade hands a host: a future that may be completed on a ledger partition's own
 * thread (the reply wakes a waiting caller directly, with no hand-over to another thread first:
 * on an idle pool such a hand-over is a thread wake-up, tens of µs of a waited submit), but whose
 * dependents never run there. A dependent added while it is pending runs on the node's dispatcher
 * ({@code thenApply} as {@code thenApplyAsync}, and so on); one added once it is done runs at once
 * on the thread that adds it, as on any completed future. So a host's callback cannot stall a
 * partition, as with {@code dev.warden.core.Asks}, whose replies always cross to the dispatcher.
 */
final class HostFuture<T> extends CompletableFuture<T> {
  private final Executor executor;

  private HostFuture(Executor executor) {
    this.executor = executor;
  }

  /** {@code inner} as a host's future: completed where {@code inner} completes, dependents off that thread. */
  static <T> CompletableFuture<T> of(ActorSystem<?> system, CompletionStage<T> inner) {
    HostFuture<T> out = new HostFuture<>(offActor(system));
    inner.whenComplete((v, t) -> {
      if (t == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(t);
      }
    });
    return out;
  }

  /** The node's dispatcher; once it refuses work (the system terminated), the caller's thread. */
  private static Executor offActor(ActorSystem<?> system) {
    Executor dispatcher = system.executionContext();
    return r -> {
      try {
        dispatcher.execute(r);
      } catch (RejectedExecutionException e) {
        r.run();
      }
    };
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new HostFuture<>(executor);
  }

  @Override
  public Executor defaultExecutor() {
    return executor;
  }

  @Override
  public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    return isDone() ? super.thenApply(fn) : thenApplyAsync(fn);
  }

  @Override
  public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
    return isDone() ? super.thenAccept(action) : thenAcceptAsync(action);
  }

  @Override
  public CompletableFuture<Void> thenRun(Runnable action) {
    return isDone() ? super.thenRun(action) : thenRunAsync(action);
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
    return thenCombineAsync(other, fn);
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
    return thenAcceptBothAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return runAfterBothAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return applyToEitherAsync(other, fn);
  }

  @Override
  public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
    return acceptEitherAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return runAfterEitherAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
    return isDone() ? super.thenCompose(fn) : thenComposeAsync(fn);
  }

  @Override
  public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return isDone() ? super.whenComplete(action) : whenCompleteAsync(action);
  }

  @Override
  public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return isDone() ? super.handle(fn) : handleAsync(fn);
  }

  @Override
  public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return isDone() ? super.exceptionally(fn) : exceptionallyAsync(fn);
  }

  @Override
  public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
    return isDone() ? super.exceptionallyCompose(fn) : exceptionallyComposeAsync(fn);
  }
}
