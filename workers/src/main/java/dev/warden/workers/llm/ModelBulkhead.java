package dev.warden.workers.llm;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The permits of one model: at most {@code limit} calls at once, the rest wait in FIFO order.
 * Nothing blocks: a waiter is a future the bulkhead completes when a permit frees. A waiter that
 * gave up (its future was cancelled first) is skipped. Not thread-safe: owned by the coordinator.
 */
final class ModelBulkhead {
  private final int limit;
  private final Set<String> granted = new HashSet<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  private record Waiter(String ticket, CompletableFuture<Void> grant) {}

  ModelBulkhead(int limit) {
    this.limit = limit;
  }

  void acquire(String ticket, CompletableFuture<Void> grant) {
    queue.add(new Waiter(ticket, grant));
    grantWhilePossible();
  }

  /** Frees {@code ticket}'s permit, or takes it out of the queue; unknown tickets are ignored. */
  void release(String ticket) {
    if (granted.remove(ticket)) {
      grantWhilePossible();
      return;
    }
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      if (it.next().ticket().equals(ticket)) {
        it.remove();
        return;
      }
    }
  }

  private void grantWhilePossible() {
    while (granted.size() < limit && !queue.isEmpty()) {
      Waiter w = queue.poll();
      if (w.grant().complete(null)) {
        granted.add(w.ticket());
      }
    }
  }

  /**
   * Fails every waiter: the coordinator is stopping, after the ledger has drained (the llm kind
   * stops later), so no failure is journaled; their attempts resume with a new attempt when the
   * node starts again, like any attempt running at a stop.
   */
  void failWaiters(Throwable t) {
    queue.forEach(w -> w.grant().completeExceptionally(t));
    queue.clear();
  }

  int limit() {
    return limit;
  }

  int running() {
    return granted.size();
  }

  int queued() {
    return queue.size();
  }
}
