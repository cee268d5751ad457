package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories (drones crashing, forgetting, reporting late, twice or with made-up epochs;
 * steals; operator revokes and retries; control-plane restarts from the journal) checked after every
 * step: a package is never held by two drones, never accepted twice, never lost; then every drone
 * behaves and every package must end built or blocked.
 */
class BuildInvariantsTest {
  private static final int SEEDS = 12;
  private static final int STEPS = 1500;

  /** A simulated drone: what it really holds. */
  private static final class Sim {
    final String id;
    boolean alive = true;
    final ArrayDeque<LeaseRef> queue = new ArrayDeque<>();
    LeaseRef current;
    Instant since;
    final List<Report> unreported = new ArrayList<>();
    final List<Report> sent = new ArrayList<>();

    Sim(String id) {
      this.id = id;
    }

    List<LeaseRef> holding() {
      List<LeaseRef> all = new ArrayList<>(queue);
      if (current != null) {
        all.add(current);
      }
      unreported.forEach(r -> all.add(r.lease()));
      return all;
    }

    void drop(String pkg, int epoch) {
      LeaseRef ref = new LeaseRef(pkg, epoch);
      queue.remove(ref);
      unreported.removeIf(r -> r.lease().equals(ref));
      if (ref.equals(current)) {
        current = null;
        since = null;
      }
    }
  }

  private final class World {
    final Random rnd;
    final Farm farm = new Farm("warden.build.leases.prefetch = 3");
    BuildControl core = farm.core;
    final List<Sim> drones = new ArrayList<>();
    final List<String> packages = new ArrayList<>();
    final Map<String, Integer> successes = new HashMap<>();
    final Set<String> acceptedAttempts = new HashSet<>();

    World(long seed) {
      rnd = new Random(seed);
      for (int i = 0; i < 6; i++) {
        Sim d = new Sim("d" + i);
        drones.add(d);
        record(core.register(Registration.fresh(d.id, 1 + rnd.nextInt(16), Set.of(), MachineKind.VM), farm.now));
      }
      submit(30);
    }

    <A> A record(Decision<A> d) {
      farm.journal.addAll(d.events());
      for (BuildEvent e : d.events()) {
        if (e instanceof BuildEvent.ReportAccepted a) {
          if (!acceptedAttempts.add(a.packageId() + "#" + a.epoch())) {
            throw new AssertionError("attempt " + a.packageId() + "#" + a.epoch() + " accepted twice");
          }
        }
      }
      return d.answer();
    }

    void submit(int n) {
      for (int i = 0; i < n; i++) {
        String id = "p" + packages.size();
        packages.add(id);
        record(core.submit(id, Set.of(), farm.now));
      }
    }

    void heartbeat(Sim d) {
      HeartbeatAnswer a = core.heartbeat(
          new Heartbeat(d.id, d.current, d.since, List.copyOf(d.queue), d.unreported.stream().map(Report::lease).toList()), farm.now);
      if (!a.known()) {
        register(d);
      }
      a.stopWork().forEach(s -> d.drop(s.packageId(), s.epoch()));
    }

    void register(Sim d) {
      HeartbeatAnswer a = record(core.register(new Registration(d.id, 4, Set.of(), MachineKind.VM, d.holding()), farm.now));
      a.stopWork().forEach(s -> d.drop(s.packageId(), s.epoch()));
    }

    void lease(Sim d, int n) {
      LeaseAnswer a = record(core.lease(d.id, n, farm.now));
      a.leases().forEach(l -> d.queue.add(l.ref()));
    }

    void start(Sim d) {
      if (d.current == null && !d.queue.isEmpty()) {
        d.current = d.queue.poll();
        d.since = farm.now;
      }
    }

    void finish(Sim d, boolean faithful) {
      if (d.current == null) {
        return;
      }
      boolean ok = faithful || rnd.nextInt(5) > 0;
      Report r = new Report(d.id, d.current.packageId(), d.current.epoch(), ok ? Report.Outcome.SUCCESS : Report.Outcome.FAILURE, ok ? "sha" : null, null);
      d.current = null;
      d.since = null;
      d.unreported.add(r);
      if (faithful || rnd.nextBoolean()) {
        send(d, r);
      }
    }

    void send(Sim d, Report r) {
      ArtifactCheck check = rnd.nextInt(20) == 0 ? ArtifactCheck.DIGEST_MISMATCH : ArtifactCheck.VALID;
      ReportAnswer a = record(core.report(r, check, farm.now));
      d.sent.add(r);
      if (a.accepted() && a.recorded() == Recorded.SUCCEEDED) {
        if (successes.merge(r.packageId(), 1, Integer::sum) > 1) {
          throw new AssertionError(r.packageId() + " accepted as built twice");
        }
      }
      d.unreported.remove(r);
    }

    void crash(Sim d) {
      d.alive = false;
      d.queue.clear();
      d.current = null;
      d.since = null;
      d.unreported.clear();
    }

    void step() {
      Sim d = drones.get(rnd.nextInt(drones.size()));
      int op = rnd.nextInt(100);
      if (op < 15) {
        farm.pass(Duration.ofSeconds(rnd.nextInt(rnd.nextInt(10) == 0 ? 1200 : 60)));
        record(core.tick(farm.now));
      } else if (!d.alive) {
        if (op < 30) {
          d.alive = true;
          register(d);
        }
      } else if (op < 35) {
        heartbeat(d);
      } else if (op < 50) {
        heartbeat(d);
        lease(d, 1 + rnd.nextInt(3));
      } else if (op < 60) {
        start(d);
      } else if (op < 70) {
        finish(d, false);
      } else if (op < 74 && !d.unreported.isEmpty()) {
        send(d, d.unreported.get(0)); // late
      } else if (op < 78 && !d.sent.isEmpty()) {
        send(d, d.sent.get(rnd.nextInt(d.sent.size()))); // duplicate, maybe long after
      } else if (op < 80) {
        String pkg = packages.get(rnd.nextInt(packages.size()));
        send(d, new Report(d.id, pkg, 1 + rnd.nextInt(6), Report.Outcome.SUCCESS, "forged", null));
      } else if (op < 82) {
        crash(d);
      } else if (op < 84 && !d.queue.isEmpty()) {
        d.queue.removeLast(); // a drone that loses work without restarting
      } else if (op < 86) {
        record(core.revoke(packages.get(rnd.nextInt(packages.size())), "ops", farm.now));
      } else if (op < 88) {
        record(core.retry(packages.get(rnd.nextInt(packages.size())), "ops", farm.now));
      } else if (op < 89) {
        submit(1);
      } else if (op < 90) {
        restartControlPlane();
      } else {
        heartbeat(d);
      }
    }

    void restartControlPlane() {
      farm.pass(Duration.ofSeconds(rnd.nextInt(30)));
      BuildControl again = BuildControl.replay(farm.settings, farm.journal, farm.now);
      for (String p : packages) {
        assertThat(again.packageView(p)).as("replayed %s", p).isEqualTo(core.packageView(p));
      }
      for (Sim d : drones) {
        DroneView before = core.droneView(d.id, farm.now).orElseThrow();
        DroneView after = again.droneView(d.id, farm.now).orElseThrow();
        assertThat(after.leases()).isEqualTo(before.leases());
        assertThat(after.level()).isEqualTo(before.level());
        assertThat(after.paused()).isEqualTo(before.paused());
      }
      core = again;
    }

    /** Plain checks, not AssertJ: they run some 100,000 times. */
    void checkInvariants() {
      Map<String, String> holderByLeases = new HashMap<>();
      for (Sim d : drones) {
        for (LeaseRef ref : core.droneView(d.id, farm.now).orElseThrow().leases()) {
          String other = holderByLeases.put(ref.packageId(), d.id);
          check(other == null, "%s in the leases of %s and %s", ref.packageId(), other, d.id);
        }
      }
      Map<String, Set<String>> wouldAccept = new HashMap<>();
      for (Sim d : drones) {
        for (LeaseRef ref : d.holding()) {
          if (core.fence(new Report(d.id, ref.packageId(), ref.epoch(), Report.Outcome.SUCCESS, "sha", null)).isEmpty()) {
            wouldAccept.computeIfAbsent(ref.packageId(), k -> new HashSet<>()).add(d.id);
          }
        }
      }
      int queued = 0;
      for (String id : packages) {
        PackageView p = core.packageView(id).orElseThrow(() -> new AssertionError(id + " lost"));
        long open = p.attempts().stream().filter(a -> a.ended() == null).count();
        if (p.status() == PackageStatus.LEASED) {
          check(open == 1, "%s is LEASED with %s open attempts", id, open);
          check(p.attempts().get(p.epoch() - 1).droneId().equals(p.holder()), "%s current attempt not its holder's", id);
          check(p.holder().equals(holderByLeases.get(id)), "%s held by %s but in the leases of %s", id, p.holder(), holderByLeases.get(id));
        } else {
          check(open == 0, "%s is %s with %s open attempts", id, p.status(), open);
          check(!holderByLeases.containsKey(id), "%s is %s but in the leases of %s", id, p.status(), holderByLeases.get(id));
          queued += p.status() == PackageStatus.QUEUED ? 1 : 0;
        }
        Set<String> holders = wouldAccept.getOrDefault(id, Set.of());
        check(holders.size() <= 1, "%s is the current lease of drones %s", id, holders);
      }
      check(core.queued() == queued, "queue holds %s, %s packages are QUEUED", core.queued(), queued);
    }

    private void check(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new AssertionError(String.format(format, args) + " at " + farm.now);
      }
    }

    /** Everyone behaves: every package must end SUCCEEDED or BLOCKED. */
    void heal() {
      for (Sim d : drones) {
        if (!d.alive) {
          d.alive = true;
          register(d);
        }
      }
      for (int round = 0; round < 2000 && !allSettled(); round++) {
        farm.pass(Duration.ofSeconds(30));
        for (Sim d : drones) {
          heartbeat(d);
          new ArrayList<>(d.unreported).forEach(r -> send(d, r));
          finish(d, true);
          start(d);
          lease(d, 3);
          start(d);
        }
        record(core.tick(farm.now));
        checkInvariants();
      }
      for (String id : packages) {
        assertThat(core.packageView(id).orElseThrow().status()).as("%s after healing", id).isIn(PackageStatus.SUCCEEDED, PackageStatus.BLOCKED);
      }
    }

    boolean allSettled() {
      return packages.stream().map(p -> core.packageView(p).orElseThrow().status())
          .allMatch(s -> s == PackageStatus.SUCCEEDED || s == PackageStatus.BLOCKED);
    }
  }

  @Test
  void aPackageIsNeverHeldByTwoDronesNeverAcceptedTwiceAndNeverLost() {
    long steals = 0;
    Map<ReclaimCause, Long> causes = new java.util.EnumMap<>(ReclaimCause.class);
    for (long seed = 1; seed <= SEEDS; seed++) {
      World w = new World(seed);
      try {
        for (int i = 0; i < STEPS; i++) {
          w.step();
          w.checkInvariants();
        }
        w.heal();
        w.restartControlPlane();
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
      BuildMetrics m = w.core.metrics(w.farm.now);
      steals += w.farm.journal.stream().filter(e -> e instanceof BuildEvent.LeaseStolen).count();
      m.reclaims().forEach((c, n) -> causes.merge(c, n, Long::sum));
    }
    // the histories did reach every rule they are meant to exercise
    assertThat(steals).isPositive();
    assertThat(causes.keySet()).containsExactlyInAnyOrder(ReclaimCause.values());
  }
}
