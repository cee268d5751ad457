package dev.warden.workers.llm;

import java.util.List;
import java.util.Map;

/**
 * The llm kind on JMX ({@code dev.warden:node="<node>",type=llm}, the node name quoted as
 * {@link javax.management.ObjectName#quote} does). Figures are published by the
 * coordinator at most once per {@code warden.llm.idle.check-interval}; reading never
 * touches the coordinator.
 */
public interface LlmMXBean {
  /** Latency and timeout advice per conversation, most recently used last. */
  List<ConversationStats> getConversations();

  /** Permits per model bulkhead (configured or default). */
  Map<String, Integer> getPermitsPerModel();

  /** Calls holding a permit, per model. */
  Map<String, Integer> getRunningPerModel();

  /** Attempts waiting for a permit, per model. */
  Map<String, Integer> getQueuedPerModel();

  /** Interactions pending in the ledger (not yet started, or waiting to retry). */
  long getPendingInLedger();

  /**
   * True once nothing was submitted, pending, queued or running for {@code warden.llm.idle.threshold}
   * (after some work was seen): is anything still submitting? Cleared when work arrives.
   */
  boolean isIdle();

  /** How long nothing has been queued or running, in ms; 0 while busy. */
  long getIdleMillis();

  /** Idle warnings logged since start (one per idle period). */
  long getIdleWarnings();
}
