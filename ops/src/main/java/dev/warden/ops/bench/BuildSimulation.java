package dev.warden.ops.bench;

import dev.warden.workers.build.ArtifactCheck;
import dev.warden.workers.build.BuildControl;
import dev.warden.workers.build.BuildSettings;
import dev.warden.workers.build.Decision;
import dev.warden.workers.build.Heartbeat;
import dev.warden.workers.build.HeartbeatAnswer;
import dev.warden.workers.build.Lease;
import dev.warden.workers.build.LeaseRef;
import dev.warden.workers.build.PackageStatus;
import dev.warden.workers.build.Registration;
import dev.warden.workers.build.Report;
import dev.warden.workers.build.ReportAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A build farm on a virtual clock over the build kind's decision core, one discrete event after the
 * other: drones heartbeat every 30 s, lease up to the prefetch cap, build one package at a time,
 * report (2 % late by 1..8 min, 2 % sent twice), crash, get cut off, fall sick; the control plane
 * ticks every 10 s and probes every drone (ssh and health) every 30 s ({@link SimProbes}), and the
 * ladder's actions "run" at once. {@code naive} adds the incident's rule on top, through the operator's revoke: a
 * lease not started within 5 minutes is taken back, heartbeat or not.
 */
final class BuildSimulation {
  private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
  private static final long TICK = 10_000;
  private static final long HEARTBEAT = 30_000;
  private static final long PROBE = 30_000;
  private static final long NAIVE_NOT_STARTED = 5 * 60_000L;

  private enum Kind { HEARTBEAT, PROBE, TICK, BUILD_DONE, REPORT, CRASH, RESTART, PARTITION, HEAL, SICK }

  private record Ev(long at, long seq, Kind kind, SimDrone drone, int token, Report report) {}

  private final SimFarm.Scenario scenario;
  private final SimFarm farm;
  private final BuildControl core;
  private final BuildSettings settings;
  private final Random rnd;
  private final PriorityQueue<Ev> agenda = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Map<String, SimDrone> byId = new HashMap<>();
  final SimTally tally;
  private long now;
  private long seq;
  long events;
  double busySamples;
  long queueSamples;
  long lastQueued;
  final SimProbes probes;

  BuildSimulation(SimFarm.Scenario scenario, BuildSettings settings) {
    this.scenario = scenario;
    this.settings = settings;
    this.farm = new SimFarm(scenario);
    this.core = BuildControl.create(settings);
    this.rnd = new Random(scenario.seed() * 31 + 7);
    this.tally = new SimTally(scenario.hours());
    this.probes = new SimProbes(core, rnd, tally, byId);
  }

  BuildControl core() {
    return core;
  }

  Instant end() {
    return at(scenario.hours() * 3_600_000L);
  }

  void run() {
    for (int p = 0; p < farm.work.length; p++) {
      core.submit(farm.packageId(p), farm.big[p] ? Set.of("big") : Set.of(), T0);
    }
    for (SimDrone d : farm.drones) {
      byId.put(d.id, d);
      record(core.register(Registration.fresh(d.id, d.cores, d.capabilities, d.machine), T0));
      schedule(rnd.nextInt((int) HEARTBEAT), Kind.HEARTBEAT, d, 0, null);
      schedule(rnd.nextInt((int) PROBE), Kind.PROBE, d, 0, null);
    }
    for (SimFarm.Incident i : farm.incidents) {
      Kind k = i.kind() == SimFarm.IncidentKind.CRASH ? Kind.CRASH : i.kind() == SimFarm.IncidentKind.PARTITION ? Kind.PARTITION : Kind.SICK;
      schedule(i.at(), k, farm.drones.get(i.drone()), (int) (i.duration() / 1000), null);
    }
    schedule(TICK, Kind.TICK, null, 0, null);
    long end = scenario.hours() * 3_600_000L;
    while (!agenda.isEmpty() && agenda.peek().at <= end) {
      Ev e = agenda.poll();
      now = e.at;
      events++;
      dispatch(e);
    }
  }

  private void dispatch(Ev e) {
    SimDrone d = e.drone;
    switch (e.kind) {
      case HEARTBEAT -> {
        if (d.up && e.token == d.life) {
          heartbeat(d);
          schedule(now + HEARTBEAT, Kind.HEARTBEAT, d, d.life, null);
        }
      }
      case PROBE -> {
        probes.probe(d, now);
        schedule(now + PROBE, Kind.PROBE, d, 0, null);
      }
      case TICK -> {
        tick();
        schedule(now + TICK, Kind.TICK, null, 0, null);
      }
      case BUILD_DONE -> {
        if (d.up && e.token == d.buildToken) {
          finish(d);
        }
      }
      case REPORT -> {
        if (d.up && e.token == d.life) {
          if (d.partitioned) {
            schedule(now + HEARTBEAT, Kind.REPORT, d, d.life, e.report);
          } else {
            send(d, e.report);
          }
        }
      }
      case CRASH -> {
        if (d.up) {
          d.crash();
          schedule(now + e.token * 1000L, Kind.RESTART, d, 0, null);
        }
      }
      case RESTART -> {
        d.up = true;
        HeartbeatAnswer a = record(core.register(Registration.fresh(d.id, d.cores, d.capabilities, d.machine), at(now)));
        a.stopWork().forEach(s -> d.drop(new LeaseRef(s.packageId(), s.epoch())));
        schedule(now, Kind.HEARTBEAT, d, d.life, null);
      }
      case PARTITION -> {
        if (d.up && !d.partitioned) {
          d.partitioned = true;
          schedule(now + e.token * 1000L, Kind.HEAL, d, 0, null);
        }
      }
      case HEAL -> {
        d.partitioned = false;
        if (d.up) {
          new ArrayList<>(d.unreported).forEach(r -> send(d, r));
          heartbeat(d);
        }
      }
      case SICK -> d.sickUntil = now + e.token * 1000L;
    }
  }

  private void heartbeat(SimDrone d) {
    if (!d.reachable()) {
      return;
    }
    Heartbeat hb = new Heartbeat(d.id, d.current, d.current == null ? null : at(d.since), List.copyOf(d.queue), d.unreportedRefs());
    HeartbeatAnswer a = core.heartbeat(hb, at(now));
    d.reportedCurrent = d.current;
    if (!a.known()) {
      record(core.register(new Registration(d.id, d.cores, d.capabilities, d.machine, hb.named()), at(now)));
    }
    a.stopWork().forEach(s -> d.drop(new LeaseRef(s.packageId(), s.epoch())));
    startNext(d);
    int want = settings.prefetch() - d.queue.size();
    if (want > 0) {
      for (Lease l : record(core.lease(d.id, want, at(now))).leases()) {
        d.queue.add(l.ref());
      }
      startNext(d);
    }
  }

  private void startNext(SimDrone d) {
    if (d.current == null && !d.queue.isEmpty()) {
      d.current = d.queue.poll();
      d.since = now;
      d.buildToken++;
      schedule(now + farm.duration(SimFarm.packageIndex(d.current.packageId()), d), Kind.BUILD_DONE, d, d.buildToken, null);
    }
  }

  private void finish(SimDrone d) {
    LeaseRef done = d.current;
    int p = SimFarm.packageIndex(done.packageId());
    boolean ok = !farm.broken[p];
    String digest = ok ? (rnd.nextDouble() < 0.01 ? "sha256:truncated" : "sha256:" + done.packageId()) : null;
    Report r = new Report(d.id, done.packageId(), done.epoch(), ok ? Report.Outcome.SUCCESS : Report.Outcome.FAILURE, digest, ok ? null : "exit 2");
    d.current = null;
    d.buildToken++;
    d.unreported.add(r);
    if (rnd.nextDouble() < 0.02) {
      schedule(now + 60_000L + rnd.nextInt(7 * 60_000), Kind.REPORT, d, d.life, r);
    } else {
      send(d, r);
    }
    if (rnd.nextDouble() < 0.02) {
      schedule(now + 5_000L + rnd.nextInt(595_000), Kind.REPORT, d, d.life, r); // sent again
    }
    startNext(d);
    heartbeat(d); // says what it builds now, and leases more
  }

  private void send(SimDrone d, Report r) {
    if (!d.reachable()) {
      return; // kept in d.unreported: sent again when the partition heals
    }
    ArtifactCheck check = ("sha256:" + r.packageId()).equals(r.digest()) ? ArtifactCheck.VALID : ArtifactCheck.DIGEST_MISMATCH;
    ReportAnswer a = record(core.report(r, check, at(now)));
    if (a.accepted() || a.stale() || a.duplicate()) {
      d.unreported.remove(r);
    }
  }

  private void tick() {
    if (scenario.naive()) {
      for (Map.Entry<String, SimTally.Held> e : new ArrayList<>(tally.leased.entrySet())) {
        SimTally.Held h = e.getValue();
        if (now - h.since() >= NAIVE_NOT_STARTED && !h.ref(e.getKey()).equals(byId.get(h.drone()).reportedCurrent)) {
          record(core.revoke(e.getKey(), "not-started-timeout", at(now)));
        }
      }
    }
    record(core.tick(at(now)));
    if (core.queued() > 0) {
      int healthy = 0;
      int busy = 0;
      for (SimDrone d : farm.drones) {
        if (d.reachable()) {
          healthy += d.cores;
          busy += d.current != null && core.holds(d.id, d.current) ? d.cores : 0;
        }
      }
      busySamples += healthy == 0 ? 0 : (double) busy / healthy;
      queueSamples++;
      lastQueued = now;
    }
    if (now % (5 * 60_000L) == 0) {
      tally.scanOrphans(now, byId, settings.offlineAfter().toMillis() + 5 * 60_000L);
    }
  }

  private <A> A record(Decision<A> d) {
    tally.events(d.events(), now, byId);
    return d.answer();
  }

  private void schedule(long at, Kind kind, SimDrone d, int token, Report r) {
    agenda.add(new Ev(at, seq++, kind, d, token, r));
  }

  static Instant at(long ms) {
    return T0.plusMillis(ms);
  }

  /**
   * Packages whose state in the core disagrees with what its events said (a lease the tally does
   * not know, a queued package that is not in the queue, ...): lost to the books. Zero, or a bug.
   */
  long disagreements() {
    long n = 0;
    int queued = 0;
    for (int p = 0; p < farm.work.length; p++) {
      String id = farm.packageId(p);
      var view = core.packageView(id).orElse(null);
      SimTally.Held h = tally.leased.get(id);
      if (view == null) {
        n++;
      } else if (view.status() == PackageStatus.LEASED) {
        n += h != null && h.drone().equals(view.holder()) && h.epoch() == view.epoch() ? 0 : 1;
      } else if (view.status() == PackageStatus.QUEUED) {
        queued++;
        n += h == null && !tally.settled.contains(id) ? 0 : 1;
      } else {
        n += h == null && tally.settled.contains(id) ? 0 : 1;
      }
    }
    return n + Math.abs(core.queued() - queued);
  }

  /** Packages not built or blocked at the end (still building or queued: not lost, just not done). */
  long unfinished() {
    return farm.work.length - tally.settled.size();
  }

  long incidents(SimFarm.IncidentKind kind) {
    return farm.incidents.stream().filter(i -> i.kind() == kind).count();
  }
}
