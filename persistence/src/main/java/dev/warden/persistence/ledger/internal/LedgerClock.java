package dev.warden.persistence.ledger.internal;

/**
 * Where a ledger partition reads the time (epoch ms): event times, deadlines, heartbeats, due
 * retries and its look-ahead all come from one clock, so a test can move it with Pekko's manual
 * time and have deadlines and timers agree. Read on the partition's and the handlers' threads;
 * always > 0 (0 means "not yet" in {@link JobExecution#invokedAtMillis()}).
 */
@FunctionalInterface
interface LedgerClock {
  /** The wall clock, as in production. */
  LedgerClock SYSTEM = System::currentTimeMillis;

  long millis();
}
