package dev.warden.persistence.journal;

/**
 * Warden's journal plugin over JMX, at {@code dev.warden:node=<node>,type=Journal} (registered by the
 * checkpointer kind). Counts run from the plugin's first use in this JVM; all zero while the node
 * has not touched the journal, or when another plugin is configured ({@link #getPlugin}).
 */
public interface JournalMXBean {
  /** {@code pekko.persistence.journal.plugin}: "warden-journal", or the plugin used instead. */
  String getPlugin();

  /** Transactions the writer committed; each holds one or more writes (a group commit). */
  long getCommits();

  /** Writes committed (a persist of one or more events, a snapshot save, a delete). */
  long getWrites();

  /** Writes that failed (their callers got the error) or were refused because the queue was full. */
  long getFailedWrites();

  /** Most writes committed in one transaction so far. */
  int getLargestGroup();

  /** Writes waiting for the writer right now (at most warden.journal.queue-size). */
  int getQueuedWrites();

  /** Reads (replays, highest sequence numbers, snapshot loads) answered. */
  long getReads();

  /** Reads that failed or were refused. */
  long getFailedReads();

  /** The last failure, write or read, with what failed; empty if none. */
  String getLastFailure();
}
