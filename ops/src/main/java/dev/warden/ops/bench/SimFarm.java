package dev.warden.ops.bench;

import dev.warden.workers.build.MachineKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The make-up of a simulated build farm, drawn once from a seed, so the Warden run and the baseline
 * face the very same drones, packages and incidents. Drones: a mix of 4, 8, 16 and 32 cores (16+ have
 * the "big" capability), VMs, containers, bare metal and unknown machines; a tenth slow (0.4x), a
 * twelfth whose ssh probe always times out though they are fine (probe-path asymmetry), an eighth
 * with disk warnings. Packages: build work log-normal (median 6 min on 8 cores, sigma 1, 30 s..3 h),
 * faster on more cores (Amdahl, 25 % serial); 2 % broken (always fail: BLOCKED), 1 % of successful
 * builds upload a bad artifact (MISSING_BINARY), 5 % need a big drone. Incidents before chaos-until:
 * crashes (down 2..90 min, log-normal median 12 min), network partitions (2..25 min, heartbeats,
 * probes and reports cut off, builds go on), memory-critical episodes (40 min, or until a healing
 * action).
 */
final class SimFarm {
  record Scenario(int drones, int packages, int hours, int chaosHours, long seed, boolean naive) {
    /** 50 drones for 5,000 packages; fewer packages, proportionally fewer drones (at least 5). */
    static Scenario of(int packages, long seed, boolean naive) {
      return new Scenario(Math.max(5, Math.min(50, packages / 100)), packages, 24, 22, seed, naive);
    }
  }

  enum IncidentKind {
    CRASH,
    PARTITION,
    SICK
  }

  record Incident(long at, IncidentKind kind, int drone, long duration) {}

  static final int[] CORE_CYCLE = {4, 8, 8, 16, 8, 16, 4, 32, 8, 16};
  static final MachineKind[] MACHINE_CYCLE = {MachineKind.VM, MachineKind.VM, MachineKind.CONTAINER, MachineKind.BARE_METAL, MachineKind.UNKNOWN};

  final List<SimDrone> drones = new ArrayList<>();
  /** Build work of package i in ms on 8 cores. */
  final long[] work;
  final boolean[] broken;
  final boolean[] big;
  final List<Incident> incidents = new ArrayList<>();

  SimFarm(Scenario s) {
    Random r = new Random(s.seed());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < s.drones(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, r);
    int slow = Math.max(1, s.drones() / 10);
    int asym = Math.max(1, s.drones() / 12);
    int disk = Math.max(1, s.drones() / 8);
    for (int i = 0; i < s.drones(); i++) {
      int rank = order.indexOf(i);
      SimDrone d = new SimDrone(i, CORE_CYCLE[i % CORE_CYCLE.length], rank < slow ? 0.4 : 1.0, MACHINE_CYCLE[i % MACHINE_CYCLE.length]);
      d.asymmetric = rank >= slow && rank < slow + asym;
      d.diskWarnings = rank >= slow + asym && rank < slow + asym + disk;
      drones.add(d);
    }
    work = new long[s.packages()];
    broken = new boolean[s.packages()];
    big = new boolean[s.packages()];
    for (int i = 0; i < s.packages(); i++) {
      double minutes = Math.exp(Math.log(6) + r.nextGaussian());
      work[i] = (long) (Math.max(0.5, Math.min(180, minutes)) * 60_000);
      broken[i] = r.nextDouble() < 0.02;
      big[i] = r.nextDouble() < 0.05;
    }
    long chaos = s.chaosHours() * 3_600_000L;
    long start = 30 * 60_000L;
    for (int i = 0; i < Math.round(s.drones() * 0.24); i++) {
      double minutes = Math.max(2, Math.min(90, Math.exp(Math.log(12) + 0.8 * r.nextGaussian())));
      incidents.add(new Incident(start + (long) (r.nextDouble() * (chaos - start)), IncidentKind.CRASH, r.nextInt(s.drones()), (long) (minutes * 60_000)));
    }
    for (int i = 0; i < Math.round(s.drones() * 0.16); i++) {
      long minutes = 2 + r.nextInt(24);
      incidents.add(new Incident(start + (long) (r.nextDouble() * (chaos - start)), IncidentKind.PARTITION, r.nextInt(s.drones()), minutes * 60_000));
    }
    for (int i = 0; i < Math.max(1, s.drones() / 25); i++) {
      incidents.add(new Incident(start + (long) (r.nextDouble() * (chaos - start)), IncidentKind.SICK, r.nextInt(s.drones()), 40 * 60_000L));
    }
  }

  String packageId(int i) {
    return String.format("pkg-%05d", i);
  }

  static int packageIndex(String id) {
    return Integer.parseInt(id.substring(4));
  }

  /** How long package {@code p} takes on {@code d}, in ms. */
  long duration(int p, SimDrone d) {
    return (long) (work[p] * (0.25 + 0.75 * 8.0 / d.cores) / d.speed);
  }
}
