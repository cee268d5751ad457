package dev.warden.persistence.ledger;

/**
 * A job's last failed attempt as the ledger keeps it: the exception's class, its message and its
 * stack trace, each bounded ({@code warden.ledger.failures}). {@code errorClass} and
 * {@code stackTrace} are empty for failures journaled before they were kept. The message is the
 * host's own text, journaled as it is (up to the bound): keep credentials out of exception
 * messages.
 */
public record JobFailure(int attempt, String errorClass, String message, String stackTrace) {}
