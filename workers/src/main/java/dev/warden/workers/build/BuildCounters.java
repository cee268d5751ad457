package dev.warden.workers.build;

import java.time.Instant;
import java.util.EnumMap;

/** Totals and last-hour rates. Those counted from events are rebuilt by replay; the rest are soft. */
final class BuildCounters {
  long delegated;
  long steals;
  final EnumMap<ReclaimCause, Long> reclaims = new EnumMap<>(ReclaimCause.class);
  final EnumMap<Recorded, Long> recorded = new EnumMap<>(Recorded.class);
  final EnumMap<EscalationLevel, Long> escalations = new EnumMap<>(EscalationLevel.class);
  long rebootsRefused;
  final HourlyRate delegatedHour = new HourlyRate();
  final HourlyRate reclaimedHour = new HourlyRate();
  // soft
  long staleReports;
  long duplicateReports;
  long suppressedEscalations;

  void delegated(Instant at) {
    delegated++;
    delegatedHour.add(at);
  }

  void reclaimed(ReclaimCause cause, Instant at) {
    reclaims.merge(cause, 1L, Long::sum);
    reclaimedHour.add(at);
  }
}
