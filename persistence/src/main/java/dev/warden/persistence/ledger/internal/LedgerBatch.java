package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenSerializable;
import dev.warden.persistence.ledger.JobEvent;
import java.util.List;

/**
 * The events of one flush of a partition: one journal row. {@code holds}, rare, pause or resume
 * job types in the partition; empty in nearly every row (and in rows from before they existed).
 */
public record LedgerBatch(List<JobEvent> events, List<TypeHold> holds) implements WardenSerializable {
  public LedgerBatch {
    holds = holds == null ? List.of() : holds;
  }

  public LedgerBatch(List<JobEvent> events) {
    this(events, List.of());
  }
}
