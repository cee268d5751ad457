package dev.warden.workers.build;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Computes {@link BuildMetrics} and {@link DroneView}s from the state on demand (nothing per tick). */
final class MetricsReader {
  private final BuildState state;
  private final BuildSettings settings;
  private final Leasing leasing;

  MetricsReader(BuildState state, BuildSettings settings, Leasing leasing) {
    this.state = state;
    this.settings = settings;
    this.leasing = leasing;
  }

  /** Ages of the not started leases of drones whose heartbeat is fresh, sorted. */
  List<Duration> notStartedAges(Instant now) {
    List<Duration> ages = new ArrayList<>();
    for (DroneState d : state.drones.values()) {
      if (d.fresh(now, settings)) {
        for (PackageState p : leasing.notStarted(d)) {
          ages.add(Duration.between(p.grantedAt, now));
        }
      }
    }
    Collections.sort(ages);
    return ages;
  }

  static Duration median(List<Duration> sorted) {
    return sorted.isEmpty() ? Duration.ZERO : sorted.get((sorted.size() - 1) / 2);
  }

  BuildMetrics metrics(Instant now, boolean alarm) {
    int[] byStatus = new int[PackageStatus.values().length];
    for (PackageState p : state.packages.values()) {
      byStatus[p.status.ordinal()]++;
    }
    int healthy = 0;
    int busy = 0;
    for (DroneState d : state.drones.values()) {
      if (d.fresh(now, settings) && !d.paused) {
        healthy += d.cores;
        if (leasing.building(d)) {
          busy += d.cores;
        }
      }
    }
    BuildCounters c = state.counters;
    long delegatedHour = c.delegatedHour.lastHour(now);
    long reclaimedHour = c.reclaimedHour.lastHour(now);
    List<Duration> ages = notStartedAges(now);
    return new BuildMetrics(
        byStatus[PackageStatus.QUEUED.ordinal()],
        byStatus[PackageStatus.LEASED.ordinal()],
        byStatus[PackageStatus.SUCCEEDED.ordinal()],
        byStatus[PackageStatus.BLOCKED.ordinal()],
        c.delegated,
        c.steals,
        c.reclaims,
        c.recorded,
        delegatedHour,
        reclaimedHour,
        delegatedHour == 0 ? Double.NaN : (double) reclaimedHour / delegatedHour,
        healthy,
        busy,
        healthy == 0 ? Double.NaN : (double) busy / healthy,
        ages.size(),
        median(ages),
        ages.isEmpty() ? Duration.ZERO : ages.get(ages.size() - 1),
        alarm,
        c.escalations,
        c.rebootsRefused,
        c.suppressedEscalations,
        c.staleReports,
        c.duplicateReports);
  }

  DroneView drone(DroneState d, Instant now) {
    List<LeaseRef> leases = new ArrayList<>();
    for (String id : d.leases) {
      leases.add(new LeaseRef(id, state.packages.get(id).epoch));
    }
    List<PackageState> queued = leasing.notStarted(d);
    Duration queueAge = queued.isEmpty() ? Duration.ZERO : Duration.between(queued.get(0).grantedAt, now);
    return new DroneView(d.id, d.cores, d.capabilities, d.machine, d.paused, d.lastSeen, d.fresh(now, settings), d.offline(now, settings),
        d.current, d.buildingSince, leases, queueAge, d.level);
  }
}
