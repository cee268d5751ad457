package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.LeaseGranted;
import dev.warden.workers.build.BuildEvent.LeaseStolen;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lease decisions: from the queue up to the prefetch cap, else, for an idle drone, by stealing.
 * Pure: returns the events to apply.
 */
final class Leasing {
  private final BuildState state;
  private final BuildSettings settings;

  Leasing(BuildState state, BuildSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  /** The leases granted or stolen by {@code events}, as the drone's answer lists them. */
  static List<Lease> leases(List<BuildEvent> events) {
    List<Lease> leases = new ArrayList<>(events.size());
    for (BuildEvent e : events) {
      if (e instanceof LeaseGranted g) {
        leases.add(new Lease(g.packageId(), g.epoch(), g.expiry(), null));
      } else if (e instanceof LeaseStolen s) {
        leases.add(new Lease(s.packageId(), s.epoch(), s.expiry(), s.fromDrone()));
      }
    }
    return leases;
  }

  /** Leased to {@code d} and neither being built nor reported finished: its prefetch queue, oldest grant first. */
  List<PackageState> notStarted(DroneState d) {
    List<PackageState> out = new ArrayList<>(d.leases.size());
    for (String id : d.leases) {
      PackageState p = state.packages.get(id);
      if (!d.working(p.id, p.epoch)) {
        out.add(p);
      }
    }
    return out;
  }

  /** True when {@code d} said it builds a lease it still holds. */
  boolean building(DroneState d) {
    return d.current != null && state.packages.get(d.current.packageId()).heldBy(d.id, d.current.epoch());
  }

  List<BuildEvent> lease(DroneState d, int wanted, Instant now) {
    int free = Math.min(wanted, settings.prefetch() - notStarted(d).size());
    List<BuildEvent> events = new ArrayList<>();
    if (free <= 0) {
      return events;
    }
    Instant expiry = now.plus(settings.leaseDuration());
    for (PackageState p : state.queue.first(d.capabilities, free)) {
      events.add(new LeaseGranted(p.id, now, d.id, p.epoch + 1, expiry));
    }
    if (events.isEmpty() && settings.stealing() && !building(d) && notStarted(d).isEmpty()) {
      steal(d, free, now, events);
    }
    return events;
  }

  /**
   * Takes queued, not started work for idle {@code thief}: from donors with a fresh heartbeat (so
   * that what they build is known) holding more than one such package, fullest donor first; from
   * each, the newest grants first (a drone starts its oldest), at most half, so the donor keeps at
   * least one. What a donor builds or has finished is never taken.
   */
  private void steal(DroneState thief, int wanted, Instant now, List<BuildEvent> events) {
    record Donor(DroneState drone, List<PackageState> queued) {}
    List<Donor> donors = new ArrayList<>();
    for (DroneState d : state.drones.values()) {
      if (d != thief && d.heartbeatSeen && d.fresh(now, settings)) {
        List<PackageState> queued = notStarted(d);
        if (queued.size() > 1) {
          donors.add(new Donor(d, queued));
        }
      }
    }
    donors.sort(Comparator.comparingInt((Donor d) -> -d.queued().size()).thenComparing(d -> d.drone().id));
    Instant expiry = now.plus(settings.leaseDuration());
    for (Donor donor : donors) {
      List<PackageState> queued = donor.queued();
      int limit = queued.size() / 2;
      int taken = 0;
      for (int i = queued.size() - 1; i >= 0 && taken < limit && events.size() < wanted; i--) {
        PackageState p = queued.get(i);
        if (thief.canBuild(p.requires)) {
          events.add(new LeaseStolen(p.id, now, donor.drone().id, p.epoch, thief.id, p.epoch + 1, expiry));
          taken++;
        }
      }
      if (events.size() >= wanted) {
        return;
      }
    }
  }
}
