package dev.warden.persistence.ledger;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Cluster mode's bound on the asks one member's facade has in flight through Cluster Sharding
 * ({@code warden.ledger.cluster.max-asks-in-flight}; {@code JobLedger.result}'s waits have a gate of
 * their own, {@code max-waits-in-flight}, see {@link Bound}): an unbounded burst queues the cluster's
 * heartbeats behind it in remoting until the split-brain resolver downs members. An ask beyond the
 * bound waits here, first come first sent, until an earlier one is answered; the wait counts toward
 * the call's deadline (it fails with a {@link TimeoutException} there, never sent, nothing recorded).
 * The queue is bounded too ({@code warden.ledger.cluster.max-queued-asks}): beyond it an ask fails at
 * once with {@link LedgerBusyException}. Lock-free: counters and a concurrent queue, drained by one
 * thread at a time (whichever last freed a slot or queued an ask).
 */
final class AskGate {
  /**
   * What a gate bounds: {@code what} its messages call the asks, its keys under
   * {@code warden.ledger.cluster}, and the setting whose time a queued ask may wait.
   */
  record Bound(String what, String maxKey, String queueKey, String deadlineKey) {}

  /** Submits, reads, cancels, retries and lists: each answered within ask-timeout. */
  static final Bound ASKS = new Bound("asks", "max-asks-in-flight", "max-queued-asks", "warden.ledger.ask-timeout");
  /** {@code JobLedger.result}'s waits: each open while its job runs (at most ask-timeout, then asked again). */
  static final Bound WAITS = new Bound("result() waits", "max-waits-in-flight", "max-queued-waits", "warden.ledger.result-timeout");

  private final ActorSystem<?> system;
  private final Bound bound;
  private final int max;
  private final int maxQueued;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger draining = new AtomicInteger();
  private final ConcurrentLinkedQueue<Waiting<?>> queue = new ConcurrentLinkedQueue<>();

  /** An ask waiting for a slot: {@code send} asks once a slot is free; {@code out} is the caller's. */
  private record Waiting<R>(Supplier<CompletableFuture<R>> send, CompletableFuture<R> out) {}

  AskGate(ActorSystem<?> system, Config config, Bound bound) {
    ConfigReader c = ConfigReader.at(config, "warden.ledger.cluster");
    this.system = system;
    this.bound = bound;
    this.max = c.intAtLeast(bound.maxKey(), 1);
    this.maxQueued = c.intAtLeast(bound.queueKey(), 0);
  }

  /**
   * {@code send}'s answer, sent now if a slot is free, else once one is (if before {@code deadline},
   * System.nanoTime). Every future {@code send} returns must complete (an ask has its timeout).
   */
  <R> CompletableFuture<R> ask(long deadline, Supplier<CompletableFuture<R>> send) {
    return ask(deadline, send, false);
  }

  /**
   * {@link #ask} for a call already taken that asks again (a wait whose partition moved): it may
   * have to wait for a slot, but the queue's bound never turns it away (it held a slot until now).
   */
  <R> CompletableFuture<R> askAgain(long deadline, Supplier<CompletableFuture<R>> send) {
    return ask(deadline, send, true);
  }

  private <R> CompletableFuture<R> ask(long deadline, Supplier<CompletableFuture<R>> send, boolean taken) {
    if (queue.isEmpty() && tryAcquire()) {
      CompletableFuture<R> out = new CompletableFuture<>();
      start(new Waiting<>(send, out));
      return out;
    }
    if (queued.incrementAndGet() > maxQueued && !taken) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(new LedgerBusyException("this member has " + max + " " + bound.what()
          + " in flight through cluster sharding (" + key(bound.maxKey()) + ") and " + maxQueued + " waiting for them ("
          + key(bound.queueKey()) + "); nothing was recorded, retry later"));
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
          "waited its whole " + bound.deadlineKey() + " for one of this member's " + max + " slots for " + bound.what()
              + " through cluster sharding (" + key(bound.maxKey()) + "): never sent, nothing was recorded")), system.executionContext());
      out.whenComplete((r, t) -> timer.cancel());
    } catch (RuntimeException e) { // the scheduler is gone with its ActorSystem
      out.completeExceptionally(e);
    }
  }

  private static String key(String name) {
    return "warden.ledger.cluster." + name;
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

  /** This gate's figures into {@code out}: {@code <name>-in-flight}, {@code <name>-queued}, {@code <name>-peak}. */
  void figures(String name, Map<String, Integer> out) {
    out.put(name + "-in-flight", inFlight());
    out.put(name + "-queued", queued());
    out.put(name + "-peak", peakInFlight());
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
