package dev.warden.persistence.ledger;

/** A bound was reached; nothing was recorded. Retry later (or wait for earlier submits). */
public final class LedgerBusyException extends RuntimeException {
  public LedgerBusyException(String message) {
    super(message);
  }
}
