package dev.warden.persistence.ledger.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * The node-wide concurrency limit of each job type ({@link dev.warden.persistence.ledger.JobPolicy#maxConcurrency()}), shared by
 * the node's partitions without a lock: a partition takes a permit for each attempt it starts
 * (compare-and-set, never blocking) and gives it back when the attempt ends.
 *
 * <p>Fair between partitions: a partition that found no permit queues, and permits that free up
 * while partitions queue are handed to them in queue order, up to an even share each per turn (a
 * woken partition queues again if it wants more), so a busy partition cannot keep re-taking the
 * permits it frees. A
 * partition's permits (held or handed to it) come back when a new incarnation of it starts (after
 * a crash) and when it stops.
 */
public final class NodePermits {
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final int partitions;
  private volatile IntConsumer wake = p -> {};

  NodePermits(int partitions) {
    this.partitions = partitions;
  }

  /** How to wake partition {@code p} when permits were handed to it. */
  void wakeWith(IntConsumer wake) {
    this.wake = wake;
  }

  /** Sets (or changes, at a new registration) the limit of {@code type}. */
  public void limit(String type, int limit) {
    Pool pool = pools.computeIfAbsent(type, t -> new Pool());
    pool.limit = limit;
    pool.drain();
  }

  /** The pool of a registered type; null for a type never registered on this node. */
  Pool pool(String type) {
    return pools.get(type);
  }

  /** Gives back all that partition {@code p} held or was handed (its previous incarnation ended). */
  void reset(int p) {
    pools.values().forEach(pool -> pool.reset(p));
  }

  /**
   * Settles partition {@code p} after a write: permits it holds beyond its running attempts (ended
   * ones, or taken for starts it did not make) and permits handed to it that it did not take go back.
   */
  void settle(int p, PartitionState st) {
    pools.forEach((type, pool) -> pool.settle(p, st.running(type)));
  }

  /** Attempts running now on this node, per registered type. */
  public Map<String, Integer> inUse() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    pools.forEach((t, pool) -> out.put(t, pool.inUse.get()));
    return out;
  }

  final class Pool {
    private volatile int limit;
    /** Permits held by partitions plus permits handed to them and not yet taken. */
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicIntegerArray held = new AtomicIntegerArray(partitions);
    private final AtomicIntegerArray handed = new AtomicIntegerArray(partitions);
    private final AtomicIntegerArray queued = new AtomicIntegerArray(partitions);
    private final ConcurrentLinkedQueue<Integer> waiting = new ConcurrentLinkedQueue<>();

    /**
     * Up to {@code wanted} permits for partition {@code p}: those handed to it, then free ones as
     * long as no other partition waits. Short of {@code wanted}, {@code p} queues for the next.
     */
    int acquire(int p, int wanted) {
      int got = handed.getAndSet(p, 0);
      while (got < wanted && waiting.isEmpty()) {
        int cur = inUse.get();
        int take = Math.min(limit - cur, wanted - got);
        if (take <= 0) {
          break;
        }
        if (inUse.compareAndSet(cur, cur + take)) {
          got += take;
        }
      }
      held.addAndGet(p, got);
      if (got > wanted) {
        release(p, got - wanted);
        got = wanted;
      } else if (got < wanted && queued.compareAndSet(p, 0, 1)) {
        waiting.add(p);
        drain(); // a permit may have come back between the attempt above and queueing
      }
      return got;
    }

    /** True when {@link #acquire} would give partition {@code p} a permit now. */
    boolean available(int p) {
      return handed.get(p) > 0 || (waiting.isEmpty() && inUse.get() < limit);
    }

    void release(int p, int n) {
      if (n > 0) {
        held.addAndGet(p, -n);
        inUse.addAndGet(-n);
        drain();
      }
    }

    private void settle(int p, int running) {
      int unused = handed.getAndSet(p, 0);
      if (unused > 0) {
        inUse.addAndGet(-unused);
      }
      int extra = held.get(p) - running;
      if (extra > 0) {
        release(p, extra);
      } else if (unused > 0) {
        drain();
      }
    }

    private void reset(int p) {
      if (waiting.remove(p)) { // rare: a partition that stops does not keep its place in the queue
        queued.set(p, 0);
      }
      int n = held.getAndSet(p, 0) + handed.getAndSet(p, 0);
      if (n > 0) {
        inUse.addAndGet(-n);
        drain();
      }
    }

    /**
     * Hands free permits to queued partitions in queue order and wakes them: each gets up to an
     * even share of the limit ({@code limit / partitions}, at least one) per turn, so a woken
     * partition starts a batch, not one attempt per wake-up, and no partition takes them all.
     */
    private void drain() {
      while (!waiting.isEmpty()) {
        int cur = inUse.get();
        int give = Math.min(limit - cur, Math.max(1, limit / partitions));
        if (give <= 0) {
          return;
        }
        if (!inUse.compareAndSet(cur, cur + give)) {
          continue;
        }
        Integer q = waiting.poll();
        if (q == null) {
          inUse.addAndGet(-give);
          return;
        }
        queued.set(q, 0);
        handed.addAndGet(q, give);
        wake.accept(q);
      }
    }
  }
}
