package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenSerializable;

/**
 * Job type {@code type} was paused (or resumed) on this ledger at {@code at}: journaled by every
 * partition in its own rows, so a restart keeps it paused. Not a job's event.
 */
public record TypeHold(String type, long at, boolean paused) implements WardenSerializable {}
