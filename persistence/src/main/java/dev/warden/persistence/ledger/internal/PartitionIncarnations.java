package dev.warden.persistence.ledger.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which incarnation of each partition runs now, for the facade. A command that reaches a partition
 * while it writes a batch or recovers waits in Pekko's own stash, and that stash ends with the
 * incarnation (a journal write or recovery that failed, after which its supervisor restarts it, or
 * a stop): its caller would get no answer until its ask timeout. So every local-mode ask is tied to
 * the incarnation it is sent to ({@link #tie}: the facade's submits and reads, the operator's pause
 * and resume), and what is still unanswered when that incarnation ends is failed here at once. An
 * incarnation is a token compared by identity;
 * the partition ends its own ({@link #ended}, from {@code LedgerPartition.endIncarnation}), so it
 * outlives them, like the partition's wiring.
 */
public final class PartitionIncarnations {
  private final AtomicReferenceArray<Object> current;
  /** Asks not answered yet that were {@link #tie tied} to an incarnation, each with it and how to fail them. */
  private final ConcurrentHashMap<CompletableFuture<?>, Tie> tied = new ConcurrentHashMap<>();

  private record Tie(Object incarnation, Function<String, ? extends Throwable> cutOff, Executor executor) {}

  PartitionIncarnations(int partitions) {
    current = new AtomicReferenceArray<>(partitions);
    for (int i = 0; i < partitions; i++) {
      current.set(i, new Object());
    }
  }

  /** The token of partition {@code partition}'s incarnation now: read it before sending, compare it after. */
  public Object current(int partition) {
    return current.get(partition);
  }

  /**
   * An ask to partition {@code partition} ({@code send}), failed with {@code cutOff} of a sentence
   * naming the partition once the incarnation it is sent to ends unless answered before, on
   * {@code executor} (not the partition's thread). Nothing stays registered once the ask is answered.
   * The incarnation is read before sending and again once tied: one that ended meanwhile either finds
   * the ask tied or is seen here, and the ask fails either way.
   */
  public <R> CompletableFuture<R> tie(int partition, Supplier<CompletableFuture<R>> send, Function<String, ? extends Throwable> cutOff,
      Executor executor) {
    Object sentTo = current(partition);
    CompletableFuture<R> out = new CompletableFuture<>();
    tied.put(out, new Tie(sentTo, cutOff, executor));
    out.whenComplete((r, t) -> tied.remove(out));
    send.get().whenComplete((r, t) -> {
      if (t == null) {
        out.complete(r);
      } else {
        out.completeExceptionally(t);
      }
    });
    if (current(partition) != sentTo) {
      out.completeExceptionally(cutOff.apply("ledger partition [" + partition + "] restarted or stopped"));
    }
    return out;
  }

  /** Partition {@code partition}'s incarnation ends: the next one has a new token, and the asks tied to the old one fail. */
  void ended(int partition, String why) {
    Object old = current.getAndSet(partition, new Object());
    tied.forEach((f, tie) -> {
      if (tie.incarnation() == old) {
        Runnable fail = () -> f.completeExceptionally(tie.cutOff().apply(why));
        try {
          tie.executor().execute(fail);
        } catch (RejectedExecutionException e) { // the node's ActorSystem is stopping
          fail.run();
        }
      }
    });
  }
}
