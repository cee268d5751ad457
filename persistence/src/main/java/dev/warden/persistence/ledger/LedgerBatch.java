package dev.warden.persistence.ledger;

import dev.warden.core.WardenSerializable;
import java.util.List;

/** The events of one flush of a partition: one journal row. */
public record LedgerBatch(List<JobEvent> events) implements WardenSerializable {}
