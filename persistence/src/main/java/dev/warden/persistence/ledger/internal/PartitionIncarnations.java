package dev.warden.persistence.ledger.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which incarnation of each partition runs now, for the facade. A command that reaches a partition
 * while it writes a batch or recovers waits in Pekko's own stash, and that stash ends with the
 * incarnation (a journal write or recovery that failed, after which its supervisor restarts it, or
 * a stop): its caller would get no answer until its ask timeout. So the facade notes the
 * incarnation each ask was sent to ({@link #current}) and is told when one ends ({@link #onEnd}),
 * to answer whatever is still unanswered itself. An incarnation is a token compared by identity;
 * the partition ends its own ({@link #ended}, from {@code LedgerPartition.endIncarnation}), so it
 * outlives them, like the partition's wiring.
 */
public final class PartitionIncarnations {
  /** Told that incarnation {@code incarnation} of partition {@code partition} ended, {@code why} (a sentence naming the partition). */
  @FunctionalInterface
  public interface Listener {
    void ended(int partition, Object incarnation, String why);
  }

  private final AtomicReferenceArray<Object> current;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

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

  /** {@code listener} is told of every incarnation that ends from now on, on the partition's thread: it must be quick. */
  public void onEnd(Listener listener) {
    listeners.add(listener);
  }

  /** Partition {@code partition}'s incarnation ends: the next one has a new token, then the listeners are told. */
  void ended(int partition, String why) {
    Object old = current.getAndSet(partition, new Object());
    for (Listener l : listeners) {
      l.ended(partition, old, why);
    }
  }
}
