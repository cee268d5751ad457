package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.ActionFinished;
import dev.warden.workers.build.BuildEvent.DronePaused;
import dev.warden.workers.build.BuildEvent.DroneRegistered;
import dev.warden.workers.build.BuildEvent.DroneResumed;
import dev.warden.workers.build.BuildEvent.Escalated;
import dev.warden.workers.build.BuildEvent.Forgotten;
import dev.warden.workers.build.BuildEvent.HealingCleared;
import dev.warden.workers.build.BuildEvent.LeaseGranted;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import dev.warden.workers.build.BuildEvent.LeaseStolen;
import dev.warden.workers.build.BuildEvent.PackageRetried;
import dev.warden.workers.build.BuildEvent.PackageSubmitted;
import dev.warden.workers.build.BuildEvent.ReleaseDefined;
import dev.warden.workers.build.BuildEvent.ReleasePromoted;
import dev.warden.workers.build.BuildEvent.ReportAccepted;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kind's state and its one mutator, {@link #apply}: every durable change goes through an event,
 * so that what the core decided and what a replay rebuilds cannot differ. {@code apply} trusts its
 * events (the decisions checked them); it needs no settings, so a changed setting never
 * reinterprets history.
 */
final class BuildState {
  final TreeMap<String, DroneState> drones = new TreeMap<>();
  final Map<String, PackageState> packages = new HashMap<>();
  final Map<String, Release> releases = new HashMap<>();
  final WorkQueue queue = new WorkQueue();
  final BuildCounters counters = new BuildCounters();
  long nextSeq;

  void apply(BuildEvent e) {
    if (e instanceof DroneRegistered r) {
      DroneState d = drones.computeIfAbsent(r.droneId(), DroneState::new);
      d.cores = r.cores();
      d.capabilities = r.capabilities();
      d.machine = r.machine();
      d.lastSeen = r.at();
      d.heartbeatSeen = false;
      d.current = null;
      d.buildingSince = null;
      d.unreported = Set.of();
    } else if (e instanceof DronePaused p) {
      drones.get(p.droneId()).paused = true;
    } else if (e instanceof DroneResumed r) {
      drones.get(r.droneId()).paused = false;
    } else if (e instanceof PackageSubmitted s) {
      PackageState p = new PackageState(s.packageId(), s.requires(), nextSeq++);
      packages.put(p.id, p);
      queue.add(p);
    } else if (e instanceof LeaseGranted g) {
      PackageState p = packages.get(g.packageId());
      queue.remove(p);
      p.lease(g.droneId(), g.epoch(), g.at(), g.expiry());
      drones.get(g.droneId()).leases.add(p.id);
      counters.delegated(g.at());
    } else if (e instanceof LeaseStolen s) {
      PackageState p = packages.get(s.packageId());
      p.endAttempt(Attempt.End.STOLEN, "by " + s.droneId(), s.at());
      drones.get(s.fromDrone()).leases.remove(p.id);
      p.lease(s.droneId(), s.epoch(), s.at(), s.expiry());
      drones.get(s.droneId()).leases.add(p.id);
      counters.steals++;
    } else if (e instanceof LeaseReclaimed r) {
      PackageState p = packages.get(r.packageId());
      p.endAttempt(Attempt.End.RECLAIMED, r.cause().name(), r.at());
      drones.get(r.droneId()).leases.remove(p.id);
      p.status = PackageStatus.QUEUED;
      queue.add(p);
      counters.reclaimed(r.cause(), r.at());
    } else if (e instanceof ReportAccepted a) {
      accepted(a);
    } else if (e instanceof PackageRetried r) {
      PackageState p = packages.get(r.packageId());
      p.status = PackageStatus.QUEUED;
      p.failures = 0;
      p.seq = nextSeq++;
      queue.add(p);
    } else if (e instanceof ReleaseDefined d) {
      releases.put(d.release(), new Release(d.release(), d.packages()));
    } else if (e instanceof ReleasePromoted p) {
      releases.get(p.release()).promoted = p;
    } else if (e instanceof Escalated x) {
      DroneState d = drones.get(x.droneId());
      d.level = x.level();
      d.levelAt = x.at();
      d.awaitingAction = true;
      counters.escalations.merge(x.level(), 1L, Long::sum);
      counters.rebootsRefused += x.refused() == null ? 0 : 1;
    } else if (e instanceof ActionFinished f) {
      DroneState d = drones.get(f.droneId());
      if (f.level() == d.level) {
        d.awaitingAction = false;
        d.lastRan = f.ran();
      }
    } else if (e instanceof HealingCleared c) {
      DroneState d = drones.get(c.droneId());
      d.level = null;
      d.levelAt = null;
      d.awaitingAction = false;
      d.lastRan = false;
    } else if (e instanceof Forgotten f) {
      forgotten(f);
    }
  }

  private void forgotten(Forgotten f) {
    for (String id : f.packages()) {
      PackageState p = packages.remove(id);
      if (p != null) {
        queue.remove(p);
      }
    }
    f.attemptsFrom().forEach((id, epoch) -> {
      PackageState p = packages.get(id);
      if (p != null) {
        p.dropAttemptsBefore(epoch);
      }
    });
    f.drones().forEach(drones::remove);
    f.releases().forEach(releases::remove);
  }

  private void accepted(ReportAccepted a) {
    PackageState p = packages.get(a.packageId());
    p.endAttempt(Attempt.End.ACCEPTED, a.recorded().name(), a.at());
    drones.get(a.droneId()).leases.remove(p.id);
    p.lastRecorded = a.recorded();
    p.status = a.status();
    counters.recorded.merge(a.recorded(), 1L, Long::sum);
    if (a.recorded() == Recorded.SUCCEEDED) {
      p.digest = a.digest();
    } else {
      p.failures++;
    }
    if (p.status == PackageStatus.QUEUED) {
      p.seq = nextSeq++; // a failed build goes to the back: it does not hog the head of the queue
      queue.add(p);
    }
  }
}
