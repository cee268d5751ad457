package dev.warden.workers.build;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@link BuildMXBean}: a snapshot the control plane publishes at every tick, read by any thread. */
final class BuildStats implements BuildMXBean {
  private static final Duration[] BOUNDS = {Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
      Duration.ofHours(2)};
  private static final String[] LABELS = {"<1m", "<5m", "<15m", "<1h", "<2h", ">=2h"};

  private record Snapshot(BuildMetrics metrics, int drones, Map<String, Long> histogram, Map<String, Long> queueAges) {}

  private volatile Snapshot snapshot;
  private volatile boolean fromSnapshot;
  private volatile long replayedRows;
  private volatile long lastSnapshotRow;

  void snapshotSaved(long row) {
    lastSnapshotRow = row;
  }

  @Override
  public long getLastSnapshotRow() {
    return lastSnapshotRow;
  }

  void recovered(boolean fromSnapshot, long replayedRows) {
    this.fromSnapshot = fromSnapshot;
    this.replayedRows = replayedRows;
  }

  @Override
  public boolean isRecoveredFromSnapshot() {
    return fromSnapshot;
  }

  @Override
  public long getRecoveryReplayedRows() {
    return replayedRows;
  }

  void publish(BuildControl control, Instant now) {
    Map<String, Long> histogram = new LinkedHashMap<>();
    for (String l : LABELS) {
      histogram.put(l, 0L);
    }
    for (Duration age : control.notStartedAges(now)) {
      int i = 0;
      while (i < BOUNDS.length && age.compareTo(BOUNDS[i]) >= 0) {
        i++;
      }
      histogram.merge(LABELS[i], 1L, Long::sum);
    }
    Map<String, Long> queueAges = new TreeMap<>();
    List<String> ids = control.droneIds();
    for (String id : ids) {
      control.droneView(id, now).ifPresent(d -> queueAges.put(id, d.queueAge().toSeconds()));
    }
    snapshot = new Snapshot(control.metrics(now), ids.size(), Map.copyOf(histogram), Map.copyOf(queueAges));
  }

  private BuildMetrics m() {
    Snapshot s = snapshot;
    return s == null ? null : s.metrics();
  }

  private Snapshot s() {
    Snapshot s = snapshot;
    if (s == null) {
      throw new IllegalStateException("the build control plane has not recovered yet");
    }
    return s;
  }

  @Override
  public int getDrones() {
    return s().drones();
  }

  @Override
  public int getQueued() {
    return s().metrics().queued();
  }

  @Override
  public int getLeased() {
    return s().metrics().leased();
  }

  @Override
  public int getSucceeded() {
    return s().metrics().succeeded();
  }

  @Override
  public int getBlocked() {
    return s().metrics().blocked();
  }

  @Override
  public long getDelegated() {
    return s().metrics().delegated();
  }

  @Override
  public long getSteals() {
    return s().metrics().steals();
  }

  @Override
  public double getChurnLastHour() {
    return s().metrics().churnLastHour();
  }

  @Override
  public double getUtilization() {
    return s().metrics().utilization();
  }

  @Override
  public int getHealthyCores() {
    return s().metrics().healthyCores();
  }

  @Override
  public int getBusyCores() {
    return s().metrics().busyCores();
  }

  @Override
  public long getNotStartedMedianSeconds() {
    return s().metrics().notStartedMedian().toSeconds();
  }

  @Override
  public long getNotStartedMaxSeconds() {
    return s().metrics().notStartedMax().toSeconds();
  }

  @Override
  public boolean isNotStartedAlarm() {
    return s().metrics().notStartedAlarm();
  }

  @Override
  public Map<String, Long> getNotStartedAgeHistogram() {
    return s().histogram();
  }

  @Override
  public Map<String, Long> getQueueAgeSecondsByDrone() {
    return s().queueAges();
  }

  @Override
  public Map<String, Long> getReclaimsByCause() {
    return names(s().metrics().reclaims());
  }

  @Override
  public Map<String, Long> getEscalationsByLevel() {
    return names(s().metrics().escalations());
  }

  @Override
  public long getRebootsRefused() {
    return s().metrics().rebootsRefused();
  }

  @Override
  public long getSuppressedEscalations() {
    return s().metrics().suppressedEscalations();
  }

  @Override
  public long getStaleReports() {
    return s().metrics().staleReports();
  }

  @Override
  public long getDuplicateReports() {
    return s().metrics().duplicateReports();
  }

  /** The figures last published, or null before the first. */
  BuildMetrics metrics() {
    return m();
  }

  private static Map<String, Long> names(Map<? extends Enum<?>, Long> byEnum) {
    Map<String, Long> out = new TreeMap<>();
    byEnum.forEach((k, v) -> out.put(k.name(), v));
    return out;
  }
}
