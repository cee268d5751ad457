package dev.warden.persistence.ledger;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Cluster mode's bound on the asks one member's facade has in flight through Cluster Sharding
 * ({@code warden.ledger.cluster.max-asks-in-flight}): an unbounded burst queues the cluster's
 * heartbeats behind it in remoting until the split-brain resolver downs members. An ask beyond the
 * bound waits here, first come first sent, until an earlier one is answered; the wait counts toward
 * the call's deadline (it fails with a {@link TimeoutException} there, never sent, nothing recorded).
 * The queue is bounded too ({@code warden.ledger.cluster.max-queued-asks}): beyond it an ask fails at
 * once with {@link LedgerBusyException}. Lock-free: counters and a concurrent queue, drained by one
 * thread at a time (whichever last freed a slot or queued an ask).
 */
final class AskGate {
  private final ActorSystem<?> system;
  private final int max;
  private final int maxQueued;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger draining = new AtomicInteger();
  private final ConcurrentLinkedQueue<Waiting<?>> queue = new ConcurrentLinkedQueue<>();

  /** An ask waiting for a slot: {@code send} asks once a slot is free; {@code out} is the caller's. */
  private record Waiting<R>(Supplier<CompletableFuture<R>> send, CompletableFuture<R> out) {}

  AskGate(ActorSystem<?> system, Config config) {
    ConfigReader c = ConfigReader.at(config, "warden.ledger.cluster");
    this.system = system;
    this.max = c.intAtLeast("max-asks-in-flight", 1);
    this.maxQueued = c.intAtLeast("max-queued-asks", 0);
  }

  /**
   * {@code send}'s answer, sent now if a slot is free, else once one is (if before {@code deadline},
   * System.nanoTime). Every future {@code send} returns must complete (an ask has its timeout).
   */
  <R> CompletableFuture<R> ask(long deadline, Supplier<CompletableFuture<R>> send) {
    if (queue.isEmpty() && tryAcquire()) {
      CompletableFuture<R> out = new CompletableFuture<>();
      start(new Waiting<>(send, out));
      return out;
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(new LedgerBusyException("this member has " + max + " asks in flight through cluster sharding"
          + " (warden.ledger.cluster.max-asks-in-flight) and " + maxQueued + " waiting for them (warden.ledger.cluster.max-queued-asks);"
          + " nothing was recorded, retry later"));
    }
    CompletableFuture<R> out = new CompletableFuture<>();
    expire(out, deadline);
    queue.add(new Waiting<>(send, out));
    drain();
    return out;
  }

  /** Fails {@code out} at {@code deadline} unless it was answered by then (the timer is cancelled when it is). */
  private void expire(CompletableFuture<?> out, long deadline) {
    Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    try {
      Cancellable timer = system.scheduler().scheduleOnce(left, () -> out.completeExceptionally(new TimeoutException(
          "waited its whole ask-timeout for one of this member's " + max + " slots for asks through cluster sharding"
              + " (warden.ledger.cluster.max-asks-in-flight): never sent, nothing was recorded")), system.executionContext());
      out.whenComplete((r, t) -> timer.cancel());
    } catch (RuntimeException e) { // the scheduler is gone with its ActorSystem
      out.completeExceptionally(e);
    }
  }

  private boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= max) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        peak.accumulateAndGet(n + 1, Math::max);
        return true;
      }
    }
  }

  private void release() {
    inFlight.decrementAndGet();
    drain();
  }

  /** Sends queued asks while slots are free; one thread at a time, the others only ask it to look again. */
  private void drain() {
    if (draining.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (!queue.isEmpty() && tryAcquire()) {
        Waiting<?> w = queue.poll();
        if (w == null) {
          inFlight.decrementAndGet();
          break;
        }
        queued.decrementAndGet();
        start(w);
      }
      missed = draining.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Sends {@code w} on a slot already taken, unless its caller is gone (timed out, or the node stopped). */
  private <R> void start(Waiting<R> w) {
    if (w.out().isDone()) {
      release();
      return;
    }
    CompletableFuture<R> reply;
    try {
      reply = w.send().get();
    } catch (RuntimeException e) { // the node's ActorSystem is stopping
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((r, t) -> {
      release();
      if (t == null) {
        w.out().complete(r);
      } else {
        w.out().completeExceptionally(t);
      }
    });
  }

  /** Asks sent through sharding and not answered yet. */
  int inFlight() {
    return inFlight.get();
  }

  /** The most asks that were ever in flight at once (never above the bound). */
  int peakInFlight() {
    return peak.get();
  }

  /** Asks waiting for a slot. */
  int queued() {
    return queued.get();
  }
}
