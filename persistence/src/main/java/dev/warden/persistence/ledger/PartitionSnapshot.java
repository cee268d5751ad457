package dev.warden.persistence.ledger;

import dev.warden.core.WardenSerializable;
import java.util.List;
import java.util.Map;

/**
 * A partition's jobs (live and retained terminal ones, terminal in retention order) and its
 * counts per type and bucket (terminal buckets are cumulative) as saved in a snapshot.
 */
public record PartitionSnapshot(
    List<JobSnapshot> jobs, List<String> terminalOrder, Map<String, Map<String, Long>> counts) implements WardenSerializable {}
