package dev.warden.workers.build;

import dev.warden.workers.build.BuildSnapshot.AttemptRow;
import dev.warden.workers.build.BuildSnapshot.CounterRow;
import dev.warden.workers.build.BuildSnapshot.DroneRow;
import dev.warden.workers.build.BuildSnapshot.PackageRow;
import dev.warden.workers.build.BuildSnapshot.ReleaseRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link BuildState} to {@link BuildSnapshot} and back: a deep copy of the durable state, in a stable order. */
final class BuildSnapshots {
  private BuildSnapshots() {}

  static BuildSnapshot of(BuildState s) {
    List<DroneRow> drones = new ArrayList<>(s.drones.size());
    for (DroneState d : s.drones.values()) {
      drones.add(new DroneRow(d.id, d.cores, d.capabilities, d.machine, d.paused, List.copyOf(d.leases), d.level, d.levelAt,
          d.awaitingAction, d.lastRan));
    }
    List<PackageRow> packages = new ArrayList<>(s.packages.size());
    for (PackageState p : s.packages.values()) {
      List<AttemptRow> attempts = new ArrayList<>(p.attempts.size());
      for (Attempt a : p.attempts) {
        attempts.add(new AttemptRow(a.epoch, a.drone, a.granted, a.end.name(), a.endDetail, a.ended));
      }
      packages.add(new PackageRow(p.id, p.requires, p.status, p.seq, p.holder, p.epoch, p.grantedAt, p.expiry, p.failures,
          p.lastRecorded, p.digest, p.dropped, attempts));
    }
    packages.sort(Comparator.comparing(PackageRow::id));
    List<ReleaseRow> releases = new ArrayList<>(s.releases.size());
    for (Release r : s.releases.values()) {
      releases.add(new ReleaseRow(r.name, r.packages, r.promoted));
    }
    releases.sort(Comparator.comparing(ReleaseRow::name));
    BuildCounters c = s.counters;
    CounterRow counters = new CounterRow(c.delegated, c.steals, c.reclaims, c.recorded, c.escalations, c.rebootsRefused,
        c.delegatedHour.buckets(), c.reclaimedHour.buckets());
    return new BuildSnapshot(s.nextSeq, drones, packages, releases, counters);
  }

  /** The state the snapshot was made of; soft state (liveness, what drones build) starts empty. */
  static BuildState restore(BuildSnapshot snapshot) {
    BuildState s = new BuildState();
    s.nextSeq = snapshot.nextSeq();
    for (DroneRow r : snapshot.drones()) {
      DroneState d = new DroneState(r.id());
      d.cores = r.cores();
      d.capabilities = r.capabilities();
      d.machine = r.machine();
      d.paused = r.paused();
      d.leases.addAll(r.leases());
      d.level = r.level();
      d.levelAt = r.levelAt();
      d.awaitingAction = r.awaitingAction();
      d.lastRan = r.lastRan();
      s.drones.put(d.id, d);
    }
    for (PackageRow r : snapshot.packages()) {
      PackageState p = new PackageState(r.id(), r.requires(), r.seq());
      p.status = r.status();
      p.holder = r.holder();
      p.epoch = r.epoch();
      p.grantedAt = r.grantedAt();
      p.expiry = r.expiry();
      p.failures = r.failures();
      p.lastRecorded = r.lastRecorded();
      p.digest = r.digest();
      p.dropped = r.attemptsDropped();
      for (AttemptRow a : r.attempts()) {
        Attempt attempt = new Attempt(a.epoch(), a.drone(), a.granted());
        attempt.end = Attempt.End.valueOf(a.end());
        attempt.endDetail = a.detail();
        attempt.ended = a.ended();
        p.attempts.add(attempt);
      }
      if (p.status == PackageStatus.LEASED) {
        p.lastNamed = p.grantedAt;
      }
      s.packages.put(p.id, p);
      if (p.status == PackageStatus.QUEUED) {
        s.queue.add(p);
      }
    }
    for (ReleaseRow r : snapshot.releases()) {
      Release release = new Release(r.name(), r.packages());
      release.promoted = r.promoted();
      s.releases.put(r.name(), release);
    }
    CounterRow c = snapshot.counters();
    s.counters.delegated = c.delegated();
    s.counters.steals = c.steals();
    s.counters.reclaims.putAll(c.reclaims());
    s.counters.recorded.putAll(c.recorded());
    s.counters.escalations.putAll(c.escalations());
    s.counters.rebootsRefused = c.rebootsRefused();
    s.counters.delegatedHour.restore(c.delegatedByMinute());
    s.counters.reclaimedHour.restore(c.reclaimedByMinute());
    return s;
  }
}
