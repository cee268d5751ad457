package dev.warden.persistence.ledger;

import java.util.Optional;

/** A job as the ledger knows it now. {@code result} once succeeded, {@code cause} of the last failure. */
public record JobView(
    String id,
    String type,
    JobStatus status,
    int attempt,
    Optional<String> parent,
    Optional<String> result,
    Optional<String> cause) {}
