package dev.warden.persistence.ledger;

import java.util.List;
import java.util.Map;

/** The ledger of one node over JMX: {@code dev.warden:node=<node>,type=Ledger}. */
public interface LedgerMXBean {
  /** Job types paused on this ledger: their jobs are accepted and kept, none is started. */
  List<String> getPausedTypes();

  /** Attempts running now on this node, per registered job type (each bounded by its max concurrency). */
  Map<String, Integer> getRunningPerType();

  /** Jobs per type and bucket (pending, running, succeeded, failed, blocked, cancelled). */
  Map<String, Map<String, Long>> getCounts();

  /** The partitions running on this node (cluster mode: where sharding placed them; local mode: all, once recovered). */
  List<Integer> getPartitionsHere();

  /** Cluster mode: every member as {@code address status}, this node's view; empty in local mode. */
  List<String> getClusterMembers();

  /**
   * Cluster mode: this member's asks through cluster sharding ({@code asks-in-flight}, {@code asks-queued},
   * {@code asks-peak}; bounded by {@code warden.ledger.cluster.max-asks-in-flight} and {@code max-queued-asks})
   * and its {@code result()} waits ({@code waits-*}; {@code max-waits-in-flight}, {@code max-queued-waits}).
   * Queued calls mean the host submits faster than the bound lets through. Empty in local mode, and until
   * the node's JobLedger is first used.
   */
  Map<String, Integer> getClusterAsks();

    /** Pauses a job type (journaled: it stays paused across restarts); answers what was done. */
  String pauseType(String type);

  /** Resumes a paused job type; its pending jobs dispatch at once. */
  String resumeType(String type);
}
