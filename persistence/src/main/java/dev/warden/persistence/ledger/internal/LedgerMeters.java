package dev.warden.persistence.ledger.internal;

import dev.warden.core.metrics.MeterScope;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The {@link LedgerMXBean}'s figures as meters, read from the same live stats: {@code warden_ledger_jobs{type,status}}
 * (every status of every type the ledger has seen, 0 included), {@code warden_ledger_running{type}} and
 * {@code warden_ledger_paused{type}} (1 while paused), and in cluster mode {@code warden_ledger_cluster_asks{gate,state}}
 * (the facade's bounds on asks through sharding, {@link LedgerStats#gates}). The reaper's last run and counts come with the kind's
 * counters ({@code warden_ledger_reaper_*}).
 */
public final class LedgerMeters {
  public static final List<String> STATUSES = List.of("pending", "running", "succeeded", "failed", "blocked", "cancelled");

  private LedgerMeters() {}

  static Consumer<MeterScope> of(LedgerStats stats, NodePermits permits) {
    return scope -> scope
        .gauges("warden.ledger.jobs", "Jobs on this node's ledger per type and status", null, () -> jobs(stats))
        .gauges("warden.ledger.running", "Attempts running now on this node per job type (each bounded by its max concurrency)",
            null, () -> perType(permits.inUse()))
        .gauges("warden.ledger.paused", "1 while the job type is paused on this ledger (its jobs are kept, none starts), else 0",
            null, () -> paused(stats, permits))
        .gauges("warden.ledger.cluster.asks", "Cluster mode: this member's asks (gate=asks) and result() waits (gate=waits) through"
            + " cluster sharding, in flight, queued for a slot, and the most ever in flight (state=in_flight|queued|peak)",
            null, () -> gates(stats));
  }

  /** Cluster mode's gate figures (LedgerStats#gates: {@code asks-in-flight} ...) as tags; none in local mode. */
  private static Map<Tags, Integer> gates(LedgerStats stats) {
    Map<Tags, Integer> out = new HashMap<>();
    stats.gates().forEach((key, v) -> {
      int dash = key.indexOf('-');
      out.put(Tags.of("gate", key.substring(0, dash), "state", key.substring(dash + 1).replace('-', '_')), v);
    });
    return out;
  }

  private static Map<Tags, Long> jobs(LedgerStats stats) {
    Map<Tags, Long> out = new HashMap<>();
    stats.counts().forEach((type, buckets) -> {
      for (String s : STATUSES) {
        out.put(Tags.of("type", type, "status", s), buckets.getOrDefault(s, 0L));
      }
    });
    return out;
  }

  private static Map<Tags, Integer> perType(Map<String, Integer> values) {
    Map<Tags, Integer> out = new HashMap<>();
    values.forEach((type, v) -> out.put(Tags.of("type", type), v));
    return out;
  }

  private static Map<Tags, Integer> paused(LedgerStats stats, NodePermits permits) {
    Set<String> pausedTypes = Set.copyOf(stats.paused());
    Set<String> types = new TreeSet<>(stats.counts().keySet());
    types.addAll(permits.inUse().keySet());
    types.addAll(pausedTypes);
    Map<Tags, Integer> out = new HashMap<>();
    types.forEach(t -> out.put(Tags.of("type", t), pausedTypes.contains(t) ? 1 : 0));
    return out;
  }
}
