package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.DroneRegistered;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drones registering and heartbeating: what they say they hold and build. A registration is durable (its
 * events reclaim the leases the drone no longer holds); a heartbeat changes only soft state, and both answer
 * with the leases the drone names that are no longer its own.
 */
final class Liveness {
  private final BuildState state;

  Liveness(BuildState state) {
    this.state = state;
  }

  /** The registration, and a DRONE_RESTARTED reclaim of every lease of a known drone missing from {@code holding}. */
  List<BuildEvent> register(Registration r, Instant now) {
    List<BuildEvent> events = new ArrayList<>();
    events.add(new DroneRegistered(r.droneId(), now, r.cores(), r.capabilities(), r.machine()));
    DroneState known = state.drones.get(r.droneId());
    if (known != null) {
      Set<LeaseRef> holding = new HashSet<>(r.holding());
      for (String id : known.leases) {
        PackageState p = state.packages.get(id);
        if (!holding.contains(new LeaseRef(id, p.epoch))) {
          events.add(new LeaseReclaimed(id, now, known.id, p.epoch, ReclaimCause.DRONE_RESTARTED));
        }
      }
    }
    return events;
  }

  HeartbeatAnswer heartbeat(Heartbeat hb, Instant now) {
    DroneState d = state.drones.get(hb.droneId());
    if (d == null) {
      return new HeartbeatAnswer(false, List.of());
    }
    d.lastSeen = now;
    d.heartbeatSeen = true;
    boolean currentHeld = hb.current() != null && held(d, hb.current());
    d.current = currentHeld ? hb.current() : null;
    d.buildingSince = currentHeld ? hb.buildingSince() : null;
    Set<LeaseRef> unreported = new HashSet<>();
    for (LeaseRef ref : hb.unreported()) {
      if (held(d, ref)) {
        unreported.add(ref);
      }
    }
    d.unreported = Set.copyOf(unreported);
    return new HeartbeatAnswer(true, stops(d, hb.named(), now));
  }

  /** The leases in {@code named} that {@code d} does not hold; those it does hold count as named at {@code now}. */
  List<HeartbeatAnswer.StopWork> stops(DroneState d, List<LeaseRef> named, Instant now) {
    List<HeartbeatAnswer.StopWork> stops = new ArrayList<>();
    for (LeaseRef ref : named) {
      PackageState p = state.packages.get(ref.packageId());
      if (p != null && p.heldBy(d.id, ref.epoch())) {
        p.lastNamed = now;
      } else {
        stops.add(new HeartbeatAnswer.StopWork(ref.packageId(), ref.epoch(), p != null && p.status == PackageStatus.LEASED ? p.holder : null));
      }
    }
    return stops;
  }

  private boolean held(DroneState d, LeaseRef ref) {
    PackageState p = state.packages.get(ref.packageId());
    return p != null && p.heldBy(d.id, ref.epoch());
  }
}
