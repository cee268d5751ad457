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

    /** Pauses a job type (journaled: it stays paused across restarts); answers what was done. */
  String pauseType(String type);

  /** Resumes a paused job type; its pending jobs dispatch at once. */
  String resumeType(String type);
}
