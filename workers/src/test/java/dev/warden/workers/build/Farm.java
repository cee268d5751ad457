package dev.warden.workers.build;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** A build core on a virtual clock, with a journal of every event it decided: what the tests drive. */
final class Farm {
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  final BuildSettings settings;
  final BuildControl core;
  final List<BuildEvent> journal = new ArrayList<>();
  Instant now = T0;

  Farm() {
    this("");
  }

  Farm(String conf) {
    settings = BuildSettings.create(Warden.loadConfig(ConfigFactory.parseString(conf)));
    core = BuildControl.create(settings);
  }

  /** Moves the clock to {@code T0 + d}. */
  Farm at(Duration d) {
    now = T0.plus(d);
    return this;
  }

  Farm pass(Duration d) {
    now = now.plus(d);
    return this;
  }

  <A> A record(Decision<A> d) {
    journal.addAll(d.events());
    return d.answer();
  }

  void drone(String id) {
    drone(id, 8, MachineKind.VM);
  }

  void drone(String id, int cores, MachineKind kind, String... caps) {
    record(core.register(Registration.fresh(id, cores, Set.of(caps), kind), now));
  }

  void submit(String... ids) {
    for (String id : ids) {
      Ack a = record(core.submit(id, Set.of(), now));
      if (!a.done()) {
        throw new AssertionError(a.reason());
      }
    }
  }

  List<Lease> lease(String drone, int wanted) {
    return record(core.lease(drone, wanted, now)).leases();
  }

  Lease leaseOne(String drone) {
    List<Lease> l = lease(drone, 1);
    if (l.size() != 1) {
      throw new AssertionError("expected one lease for " + drone + ", got " + l);
    }
    return l.get(0);
  }

  HeartbeatAnswer idle(String drone, Lease... queue) {
    return core.heartbeat(new Heartbeat(drone, null, null, refs(queue), List.of()), now);
  }

  HeartbeatAnswer building(String drone, Lease current, Instant since, Lease... queue) {
    return core.heartbeat(new Heartbeat(drone, current.ref(), since, refs(queue), List.of()), now);
  }

  ReportAnswer succeed(String drone, Lease l) {
    return record(core.report(new Report(drone, l.packageId(), l.epoch(), Report.Outcome.SUCCESS, "sha256:" + l.packageId(), null),
        ArtifactCheck.VALID, now));
  }

  ReportAnswer fail(String drone, Lease l) {
    return record(core.report(new Report(drone, l.packageId(), l.epoch(), Report.Outcome.FAILURE, null, "exit 2"), null, now));
  }

  List<BuildEvent.LeaseReclaimed> tick() {
    Decision<TickAnswer> d = core.tick(now);
    journal.addAll(d.events());
    return d.events().stream().map(e -> (BuildEvent.LeaseReclaimed) e).toList();
  }

  PackageView pkg(String id) {
    return core.packageView(id).orElseThrow();
  }

  static List<LeaseRef> refs(Lease... leases) {
    return Arrays.stream(leases).map(Lease::ref).toList();
  }

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }
}
