package dev.warden.persistence.ledger;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Read-only figures the partitions and the reaper publish for the facade and JMX: each partition
 * writes only its own slot (an immutable map), readers merge them.
 */
final class LedgerStats {
  private final AtomicReferenceArray<Map<String, Map<String, Long>>> counts;
  private final AtomicReferenceArray<Set<String>> paused;
  final AtomicLong reaperLastRun = new AtomicLong();
  final AtomicLong reaperRuns = new AtomicLong();
  final AtomicLong reaped = new AtomicLong();
  final AtomicLong stale = new AtomicLong();

  LedgerStats(int partitions) {
    counts = new AtomicReferenceArray<>(partitions);
    paused = new AtomicReferenceArray<>(partitions);
  }

  void publishPaused(int partition, Set<String> types) {
    paused.set(partition, Set.copyOf(types));
  }

  /** Job types paused in any partition (all of them, once a pause or resume has been written everywhere). */
  Set<String> paused() {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < paused.length(); i++) {
      Set<String> p = paused.get(i);
      if (p != null) {
        out.addAll(p);
      }
    }
    return out;
  }

  void publish(int partition, Map<String, Map<String, Long>> perType) {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    perType.forEach((t, b) -> copy.put(t, Map.copyOf(b)));
    counts.set(partition, copy);
  }

  Map<String, Map<String, Long>> counts() {
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
  long count(String type, String bucket) {
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

  /** True once every partition has recovered (each publishes its counts first thing after recovery). */
  boolean recovered() {
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
