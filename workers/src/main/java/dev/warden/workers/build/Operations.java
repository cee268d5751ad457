package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.DronePaused;
import dev.warden.workers.build.BuildEvent.DroneResumed;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import dev.warden.workers.build.BuildEvent.PackageRetried;
import dev.warden.workers.build.BuildEvent.PackageSubmitted;
import dev.warden.workers.build.BuildEvent.ReleaseDefined;
import dev.warden.workers.build.BuildEvent.ReleasePromoted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The host's and operators' commands: submit, retry, revoke, pause, resume, releases and their gate. */
final class Operations {
  private final BuildState state;

  Operations(BuildState state) {
    this.state = state;
  }

  Decision<Ack> submit(String packageId, Set<String> requires, Instant now) {
    Checks.id("packageId", packageId);
    Set<String> req = Checks.set("requires", requires);
    if (state.packages.containsKey(packageId)) {
      return Decision.of(Ack.refused("package [" + packageId + "] was submitted already (a new version needs a new id)"));
    }
    return done(new PackageSubmitted(packageId, now, req));
  }

  Decision<Ack> retry(String packageId, String by, Instant now) {
    PackageState p = state.packages.get(packageId);
    if (p == null || p.status != PackageStatus.BLOCKED) {
      return Decision.of(Ack.refused("package [" + packageId + "] is " + (p == null ? "unknown" : p.status) + ", not BLOCKED"));
    }
    return done(new PackageRetried(packageId, now, Checks.id("by", by)));
  }

  Decision<Ack> revoke(String packageId, String by, Instant now) {
    Checks.id("by", by);
    PackageState p = state.packages.get(packageId);
    if (p == null || p.status != PackageStatus.LEASED) {
      return Decision.of(Ack.refused("package [" + packageId + "] is " + (p == null ? "unknown" : p.status) + ", not LEASED"));
    }
    return done(new LeaseReclaimed(packageId, now, p.holder, p.epoch, ReclaimCause.OPERATOR));
  }

  Decision<Ack> pause(String droneId, boolean pause, String by, Instant now) {
    Checks.id("by", by);
    DroneState d = state.drones.get(droneId);
    if (d == null) {
      return Decision.of(Ack.refused("drone [" + droneId + "] is not registered"));
    }
    if (d.paused == pause) {
      return Decision.of(Ack.ok());
    }
    return done(pause ? new DronePaused(droneId, now, by) : new DroneResumed(droneId, now, by));
  }

  Decision<Ack> defineRelease(String name, List<String> packages, Instant now) {
    Checks.id("release", name);
    List<String> list = Checks.list("packages", packages);
    if (list.isEmpty()) {
      return Decision.of(Ack.refused("release [" + name + "] must name at least one package"));
    }
    Release r = state.releases.get(name);
    if (r != null && r.promoted != null) {
      return Decision.of(Ack.refused("release [" + name + "] was promoted at " + r.promotedAt() + " and cannot change"));
    }
    return done(new ReleaseDefined(name, now, list));
  }

  /**
   * Promotes when every package is validated-succeeded; otherwise only with an override, which is
   * journaled with who and why and the packages that were not ready.
   */
  Decision<PromotionAnswer> promote(String name, GateOverride override, Instant now) {
    Release r = state.releases.get(name);
    if (r == null) {
      return Decision.of(new PromotionAnswer(false, false, List.of(), "release [" + name + "] is not defined"));
    }
    if (r.promoted != null) {
      return Decision.of(new PromotionAnswer(true, r.promoted.overridden(), r.promoted.notReady(), "promoted already at " + r.promotedAt()));
    }
    List<String> notReady = new ArrayList<>();
    for (String id : r.packages) {
      PackageState p = state.packages.get(id);
      if (p == null || p.status != PackageStatus.SUCCEEDED) {
        notReady.add(id);
      }
    }
    if (!notReady.isEmpty() && override == null) {
      return Decision.of(new PromotionAnswer(false, false, notReady,
          notReady.size() + " of " + r.packages.size() + " package(s) not validated-succeeded; promote with an override (who, why) to ship anyway"));
    }
    boolean overridden = !notReady.isEmpty();
    ReleasePromoted e = new ReleasePromoted(name, now, overridden, overridden ? override.by() : null, overridden ? override.why() : null, notReady);
    return new Decision<>(new PromotionAnswer(true, overridden, notReady, overridden ? "override by " + override.by() : "all validated"), List.of(e));
  }

  private static Decision<Ack> done(BuildEvent e) {
    return new Decision<>(Ack.ok(), List.of(e));
  }
}
