package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.internal.PartitionProtocol.ParentOutcomes;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Rewatch;
import dev.warden.persistence.ledger.internal.PartitionProtocol.WatchParents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Parents and children in different partitions: a child's partition watches the parent's, which
 * tells it the parent's outcome ({@link ParentOutcomes}); a partition that recovered asks its
 * siblings to watch again ({@link Rewatch}), since watchers live in memory only.
 */
final class ParentWatches {
  private final LedgerPartition p;

  ParentWatches(LedgerPartition partition) {
    this.p = partition;
  }

  Effect<LedgerBatch, PartitionState> onWatchParents(PartitionState s, WatchParents w) {
    Map<String, JobStatus> known = new HashMap<>();
    for (String parent : w.parents()) {
      p.watchers.computeIfAbsent(parent, k -> new HashSet<>()).add(w.watcher());
      JobRecord r = s.jobs.get(parent);
      if (r != null && r.status.terminal()) {
        known.put(parent, r.status);
      }
    }
    if (!known.isEmpty()) {
      p.toPartition(w.watcher(), new ParentOutcomes(known));
    }
    return p.effects().none();
  }

  Effect<LedgerBatch, PartitionState> onRewatch(PartitionState s, Rewatch r) {
    List<String> parents = new ArrayList<>();
    for (String parent : s.children.keySet()) {
      if (p.settings.partitionOf(parent) == r.partition()) {
        parents.add(parent);
      }
    }
    if (!parents.isEmpty()) {
      p.toPartition(r.partition(), new WatchParents(p.wiring.partition(), parents));
    }
    return p.effects().none();
  }
}
