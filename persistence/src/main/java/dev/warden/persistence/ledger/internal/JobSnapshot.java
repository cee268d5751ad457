package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenSerializable;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.util.List;

/** Immutable copy of a {@link JobRecord} inside a {@link PartitionSnapshot}. */
public record JobSnapshot(
    String id,
    String type,
    String payload,
    String parent,
    JobStatus status,
    int attempt,
    int budgetBase,
    long deadline,
    long notBefore,
    String result,
    String cause,
    List<JobEvent> history)
    implements WardenSerializable {}
