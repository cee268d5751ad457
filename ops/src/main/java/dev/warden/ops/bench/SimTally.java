package dev.warden.ops.bench;

import dev.warden.workers.build.BuildEvent;
import dev.warden.workers.build.LeaseRef;
import dev.warden.workers.build.PackageStatus;
import dev.warden.workers.build.ReclaimCause;
import dev.warden.workers.build.Recorded;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link BuildSimulation} counts, from the core's own events (as a journal would see them) and
 * from the drones' side: who holds what now, churn per hour, packages accepted twice, reclaims from
 * drones that were healthy and really held the package, and packages nobody holds past the bound.
 */
final class SimTally {
  /** A lease as the events say it stands: holder, epoch, granted at (virtual ms). */
  record Held(String drone, int epoch, long since) {
    LeaseRef ref(String pkg) {
      return new LeaseRef(pkg, epoch);
    }
  }

  final Map<String, Held> leased = new HashMap<>();
  final Set<String> settled = new HashSet<>();
  final Set<String> acceptedAttempts = new HashSet<>();
  final Map<String, Integer> healthyReclaims = new HashMap<>();
  final Map<String, Long> orphanSince = new HashMap<>();
  final Set<String> lost = new HashSet<>();
  final EnumMap<ReclaimCause, Long> reclaims = new EnumMap<>(ReclaimCause.class);
  final EnumMap<Recorded, Long> recorded = new EnumMap<>(Recorded.class);
  final long[] delegatedByHour;
  final long[] reclaimedByHour;
  long delegated;
  long steals;
  long doubleAccepted;
  long reclaimsFromHealthy;
  long reclaimLoops;
  long blocked;

  SimTally(int hours) {
    delegatedByHour = new long[hours + 1];
    reclaimedByHour = new long[hours + 1];
  }

  /** Counts the events of one decision at virtual time {@code now}; {@code drones} say who really holds what. */
  void events(List<BuildEvent> events, long now, Map<String, SimDrone> drones) {
    int hour = (int) Math.min(delegatedByHour.length - 1, now / 3_600_000L);
    for (BuildEvent e : events) {
      if (e instanceof BuildEvent.LeaseGranted g) {
        leased.put(g.packageId(), new Held(g.droneId(), g.epoch(), now));
        delegated++;
        delegatedByHour[hour]++;
      } else if (e instanceof BuildEvent.LeaseStolen s) {
        leased.put(s.packageId(), new Held(s.droneId(), s.epoch(), now));
        steals++;
      } else if (e instanceof BuildEvent.LeaseReclaimed r) {
        leased.remove(r.packageId());
        reclaims.merge(r.cause(), 1L, Long::sum);
        reclaimedByHour[hour]++;
        SimDrone d = drones.get(r.droneId());
        if (d.reachable() && d.holds(new LeaseRef(r.packageId(), r.epoch()))) {
          reclaimsFromHealthy++;
          if (healthyReclaims.merge(r.packageId(), 1, Integer::sum) == 2) {
            reclaimLoops++;
          }
        }
      } else if (e instanceof BuildEvent.ReportAccepted a) {
        leased.remove(a.packageId());
        if (!acceptedAttempts.add(a.packageId() + "#" + a.epoch()) || (a.recorded() == Recorded.SUCCEEDED && !settled.add(a.packageId()))) {
          doubleAccepted++;
        }
        recorded.merge(a.recorded(), 1L, Long::sum);
        if (a.status() == PackageStatus.BLOCKED) {
          settled.add(a.packageId());
          blocked++;
        }
      }
    }
  }

  /**
   * Packages leased to a drone that does not really hold them are orphans; an orphan older than
   * {@code bound} (the longest any reclaim rule may take, plus slack) is lost.
   */
  void scanOrphans(long now, Map<String, SimDrone> drones, long bound) {
    for (Map.Entry<String, Held> e : leased.entrySet()) {
      Held h = e.getValue();
      if (drones.get(h.drone()).holds(h.ref(e.getKey()))) {
        orphanSince.remove(e.getKey());
      } else {
        long since = orphanSince.computeIfAbsent(e.getKey(), k -> now);
        if (now - since > bound) {
          lost.add(e.getKey());
        }
      }
    }
    orphanSince.keySet().retainAll(leased.keySet());
  }

  long reclaimsTotal() {
    return reclaims.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Reclaims per delegation of the worst hour with at least {@code min} delegations. */
  double worstHourChurn(int min) {
    double worst = 0;
    for (int h = 0; h < delegatedByHour.length; h++) {
      if (delegatedByHour[h] >= min) {
        worst = Math.max(worst, (double) reclaimedByHour[h] / delegatedByHour[h]);
      }
    }
    return worst;
  }
}
