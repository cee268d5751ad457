package dev.warden.workers.graveyard;

import dev.warden.core.WardenSerializable;
import java.util.List;
import java.util.Map;

/**
 * The journal's snapshot: the index in compact form (cluster aggregates, match points packed
 * as doubles), never the patterns themselves, which stay in the events.
 *
 * @param matchPoints per symbol, the distinct (SL, TP) pairs flattened: a view of the index's
 *     own arrays, written without a copy
 */
public record IndexSnapshot(
    long stored,
    long storedHighWater,
    Map<String, Long> exclusions,
    List<ClusterState> clusters,
    MatchPoints matchPoints,
    List<FileProgress> files) implements WardenSerializable {

  /** One cluster's aggregate; a null bound means "no numeric value seen". */
  public record ClusterState(
      String timeframe,
      String direction,
      String symbol,
      long failureCount,
      double untimed,
      double anchor,
      double anchoredSum,
      Double slMin,
      Double slMax,
      Double tpMin,
      Double tpMax) {}
}
