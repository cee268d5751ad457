package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which leases go back to the queue at a tick, and why. Never because work has not started:
 * <ol>
 *   <li>OFFLINE: the holder is silent for warden.build.heartbeat.offline-after. Everything it holds.
 *   <li>Otherwise, what the holder builds or has finished and is reporting is kept.
 *   <li>LEASE_EXPIRED: the lease expired and the holder's heartbeat is stale.
 *   <li>NOT_HELD: the holder heartbeats freshly but has not named the package for a whole lease
 *       duration: it does not have it (a drone that lost work without restarting).
 * </ol>
 */
final class Reclaimer {
  private final BuildState state;
  private final BuildSettings settings;

  Reclaimer(BuildState state, BuildSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  List<BuildEvent> tick(Instant now) {
    List<BuildEvent> events = new ArrayList<>();
    for (DroneState d : state.drones.values()) {
      if (d.leases.isEmpty()) {
        continue;
      }
      boolean offline = d.offline(now, settings);
      boolean fresh = d.fresh(now, settings);
      for (String id : d.leases) {
        PackageState p = state.packages.get(id);
        ReclaimCause cause = cause(d, p, offline, fresh, now);
        if (cause != null) {
          events.add(new LeaseReclaimed(p.id, now, d.id, p.epoch, cause));
        }
      }
    }
    return events;
  }

  private ReclaimCause cause(DroneState d, PackageState p, boolean offline, boolean fresh, Instant now) {
    if (offline) {
      return ReclaimCause.OFFLINE;
    }
    if (d.working(p.id, p.epoch)) {
      return null;
    }
    if (!fresh) {
      return now.isBefore(p.expiry) ? null : ReclaimCause.LEASE_EXPIRED;
    }
    boolean unnamed = Duration.between(p.lastNamed, now).compareTo(settings.leaseDuration()) >= 0;
    return unnamed && d.heartbeatSeen ? ReclaimCause.NOT_HELD : null;
  }
}
