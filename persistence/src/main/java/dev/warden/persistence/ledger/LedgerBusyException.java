package dev.warden.persistence.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A bound was reached, nothing was recorded: retry later (or wait for earlier submits). Or the call's
 * partition stopped or restarted before answering it (a journal write or recovery failed): its outcome
 * is unknown, the message says so; call again (a submit is idempotent by id).
 */
public final class LedgerBusyException extends RuntimeException {
  public LedgerBusyException(String message) {
    super(message);
  }

  /**
   * True when {@code call} (a submit already completed) was turned away by a bound, so the caller
   * may wait and retry; false while it is pending or when it succeeded. Any other failure is rethrown.
   */
  public static boolean rejected(CompletableFuture<?> call) {
    if (!call.isCompletedExceptionally()) {
      return false;
    }
    try {
      call.join();
      return false;
    } catch (CompletionException e) {
      if (e.getCause() instanceof LedgerBusyException) {
        return true;
      }
      throw e;
    }
  }
}
