package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenSerializable;
import java.util.List;
import java.util.Map;

/**
 * A partition's jobs (live and retained terminal ones, terminal in retention order), its counts
 * per type and bucket (terminal buckets are cumulative) and its paused job types, as saved in a
 * snapshot.
 */
public record PartitionSnapshot(
    List<JobSnapshot> jobs, List<String> terminalOrder, Map<String, Map<String, Long>> counts, List<String> paused)
    implements WardenSerializable {
  public PartitionSnapshot {
    paused = paused == null ? List.of() : paused;
  }

  public PartitionSnapshot(List<JobSnapshot> jobs, List<String> terminalOrder, Map<String, Map<String, Long>> counts) {
    this(jobs, terminalOrder, counts, List.of());
  }
}
