package dev.warden.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * Pekko's ask, answered as a plain {@link CompletableFuture} whose dependents run on the actor
 * system's dispatcher.
 *
 * <p>Why not the stage {@link AskPattern} returns: it is Scala's converted future, which turns
 * every dependent ({@code thenApply}, {@code whenComplete}, ...) into its {@code *Async} form on
 * {@code ForkJoinPool.commonPool()}. On a machine with 2 cores the common pool has parallelism
 * 1, and then the JDK starts a new thread for every such callback: at thousands of asks a second
 * that was most of the job ledger's CPU and memory. Here the reply crosses to the system's
 * dispatcher once, never to the actor's own thread, so a host's callbacks cannot stall an actor.
 */
public final class Asks {
  public static <C, R> CompletableFuture<R> ask(
      ActorSystem<?> system, ActorRef<C> target, Function<ActorRef<R>, C> message, Duration timeout) {
    return plain(system, AskPattern.ask(target, message, timeout, system.scheduler()));
  }

  /** {@link #ask} for a {@link StatusReply}: an error reply fails the future with its message. */
  public static <C, R> CompletableFuture<R> askWithStatus(
      ActorSystem<?> system, ActorRef<C> target, Function<ActorRef<StatusReply<R>>, C> message, Duration timeout) {
    return plain(system, AskPattern.askWithStatus(target, message, timeout, system.scheduler()));
  }

  /** {@code stage} as a plain future completed on {@code system}'s dispatcher. */
  public static <T> CompletableFuture<T> plain(ActorSystem<?> system, CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            out.completeExceptionally(failure);
          } else {
            out.complete(value);
          }
        },
        system.executionContext());
    return out;
  }

  private Asks() {}
}
