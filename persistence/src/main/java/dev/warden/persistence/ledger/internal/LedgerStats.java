package dev.warden.persistence.ledger.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Read-only figures the partitions and the reaper publish for the facade and JMX: each partition
 * writes only its own slot (an immutable map), readers merge them.
 */
public final class LedgerStats {
  private final AtomicReferenceArray<Map<String, Map<String, Long>>> counts;
  private final AtomicReferenceArray<Set<String>> paused;
  final AtomicLong reaperLastRun = new AtomicLong();
  final AtomicLong reaperRuns = new AtomicLong();
  final AtomicLong reaped = new AtomicLong();
  final AtomicLong stale = new AtomicLong();
  /** Cluster mode: counts and pauses are those of the partitions running on this node. */
  private volatile boolean clustered;
  /** Cluster mode: every partition answered the root's last probe through sharding. */
  private volatile boolean serving;
  /** Cluster mode: the facade's bounds on asks through sharding, once the facade exists (see {@link #gates}). */
  private volatile Supplier<Map<String, Integer>> gates = Map::of;
  private final PartitionIncarnations incarnations;

  LedgerStats(int partitions) {
    counts = new AtomicReferenceArray<>(partitions);
    paused = new AtomicReferenceArray<>(partitions);
    incarnations = new PartitionIncarnations(partitions);
  }

  /** Which incarnation of each partition runs here, and when one ends (for the facade's asks in local mode). */
  public PartitionIncarnations incarnations() {
    return incarnations;
  }

  void publishPaused(int partition, Set<String> types) {
    paused.set(partition, Set.copyOf(types));
  }

  /** Job types paused in any partition (all of them, once a pause or resume has been written everywhere). */
  public Set<String> paused() {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < paused.length(); i++) {
      Set<String> p = paused.get(i);
      if (p != null) {
        out.addAll(p);
      }
    }
    return out;
  }

  /** Whether {@code type} is paused in any partition: {@link #paused()} without building the set (every submit asks). */
  public boolean isPaused(String type) {
    for (int i = 0; i < paused.length(); i++) {
      Set<String> p = paused.get(i);
      if (p != null && p.contains(type)) {
        return true;
      }
    }
    return false;
  }

  /** Cluster mode: where the facade's bounds on asks through sharding are read from (JobLedger's, one per node). */
  public void reportGates(Supplier<Map<String, Integer>> figures) {
    gates = figures;
  }

  /**
   * Cluster mode: this member's asks and result() waits through sharding, in flight, queued and their peak
   * ({@code asks-in-flight}, {@code asks-queued}, {@code asks-peak}, {@code waits-*}); empty in local mode.
   */
  public Map<String, Integer> gates() {
    return gates.get();
  }

  /** Epoch ms of the reaper's last complete run; 0 before the first. */
  public long reaperLastRun() {
    return reaperLastRun.get();
  }

  void publish(int partition, Map<String, Map<String, Long>> perType) {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    perType.forEach((t, b) -> copy.put(t, Map.copyOf(b)));
    counts.set(partition, copy);
  }

  public Map<String, Map<String, Long>> counts() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (int i = 0; i < counts.length(); i++) {
      Map<String, Map<String, Long>> p = counts.get(i);
      if (p != null) {
        p.forEach((t, b) -> b.forEach((k, v) -> out.computeIfAbsent(t, x -> new TreeMap<>()).merge(k, v, Long::sum)));
      }
    }
    return out;
  }

  /** One type's count in one bucket, summed over the partitions without building {@link #counts()}. */
  public long count(String type, String bucket) {
    long sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      Map<String, Map<String, Long>> p = counts.get(i);
      Map<String, Long> b = p == null ? null : p.get(type);
      if (b != null) {
        sum += b.getOrDefault(bucket, 0L);
      }
    }
    return sum;
  }

  void clustered(boolean on) {
    clustered = on;
  }

  void serving(boolean on) {
    serving = on;
  }

  boolean serving() {
    return serving;
  }

  /** Cluster mode: partition {@code p} stopped on this node (it moved, or the node leaves); its figures go with it. */
  void forget(int partition) {
    counts.set(partition, null);
    paused.set(partition, null);
  }

  /** The partitions that have recovered on this node and run here (all of them in local mode, once recovered). */
  public java.util.List<Integer> hosted() {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < counts.length(); i++) {
      if (counts.get(i) != null) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * True once every partition has recovered (each publishes its counts first thing after recovery).
   * In cluster mode: once every partition, wherever it runs, answered this node's last probe.
   */
  public boolean recovered() {
    if (clustered) {
      return serving;
    }
    for (int i = 0; i < counts.length(); i++) {
      if (counts.get(i) == null) {
        return false;
      }
    }
    return true;
  }

  long total(String bucket) {
    return counts().values().stream().mapToLong(b -> b.getOrDefault(bucket, 0L)).sum();
  }
}
