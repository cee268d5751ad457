package dev.warden.workers.build;

import java.util.Map;

/**
 * The build kind on JMX ({@code dev.warden:node=<node>,type=build}): figures of the control plane, refreshed
 * every {@code warden.build.service.tick-interval}. Ages in seconds.
 */
public interface BuildMXBean {
  int getDrones();

  int getQueued();

  int getLeased();

  int getSucceeded();

  int getBlocked();

  long getDelegated();

  long getSteals();

  /** Reclaims per lease granted over the last hour (NaN with none granted). */
  double getChurnLastHour();

  /** Busy cores over the cores of healthy drones (fresh heartbeat, not paused); NaN without any. */
  double getUtilization();

  int getHealthyCores();

  int getBusyCores();

  long getNotStartedMedianSeconds();

  long getNotStartedMaxSeconds();

  /** Raised when the median assigned-not-started age passes {@code warden.build.not-started-alarm}. */
  boolean isNotStartedAlarm();

  /** Leases held and not started, by age: {@code <1m}, {@code <5m}, {@code <15m}, {@code <1h}, {@code <2h}, {@code >=2h}. */
  Map<String, Long> getNotStartedAgeHistogram();

  /** Per drone: the age of its oldest lease not started (0 when none). */
  Map<String, Long> getQueueAgeSecondsByDrone();

  Map<String, Long> getReclaimsByCause();

  Map<String, Long> getEscalationsByLevel();

  long getRebootsRefused();

  long getSuppressedEscalations();

  long getStaleReports();

  long getDuplicateReports();

  /** True when the control plane's last start read a snapshot. */
  boolean isRecoveredFromSnapshot();

  /** Journal rows its last start replayed (after the snapshot, when there was one): at most {@code service.snapshot-every}. */
  long getRecoveryReplayedRows();

  /** The journal row of the last snapshot this control plane saved since its start (0: none yet). */
  long getLastSnapshotRow();
}
