package dev.warden.persistence.ledger;

import java.util.concurrent.CompletionStage;

/** What a running attempt may see and do. Thread-safe. */
public interface JobContext {
  String jobId();

  /** This attempt's number (1 for the first); every report the ledger gets carries it. */
  int attempt();

  /**
   * A sign of life: pushes the heartbeat deadline out. Cheap; calls are coalesced
   * ({@code warden.ledger.heartbeat.min-interval}) so it may be called per chunk.
   */
  void heartbeat();

  /**
   * Completes with the reason when this attempt is reaped, cancelled or superseded; the
   * handler should abort its work then (its late result would be discarded as stale anyway).
   */
  CompletionStage<String> cancelled();

  boolean isCancelled();
}
