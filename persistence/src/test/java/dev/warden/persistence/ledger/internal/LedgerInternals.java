package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobLedger;

/** What tests read inside a running ledger: the handle {@link JobLedger} holds, and the figures behind it. */
public final class LedgerInternals {
  private LedgerInternals() {}

  public static LedgerRoot.Handle handle(JobLedger ledger) {
    try {
      java.lang.reflect.Field f = JobLedger.class.getDeclaredField("handle");
      f.setAccessible(true);
      return (LedgerRoot.Handle) f.get(ledger);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  public static LedgerStats stats(JobLedger ledger) {
    return handle(ledger).stats();
  }
}
