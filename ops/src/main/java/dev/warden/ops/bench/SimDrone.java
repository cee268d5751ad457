package dev.warden.ops.bench;

import dev.warden.workers.build.LeaseRef;
import dev.warden.workers.build.MachineKind;
import dev.warden.workers.build.Report;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One simulated drone of {@link BuildSimulation}: its make-up, and what it really holds and does. */
final class SimDrone {
  final int index;
  final String id;
  final int cores;
  final double speed;
  final MachineKind machine;
  final Set<String> capabilities;
  boolean asymmetric;
  boolean diskWarnings;

  boolean up = true;
  boolean partitioned;
  /** A memory-critical episode lasts until then (virtual ms), or until an escalation's action cures it. */
  long sickUntil = -1;
  /** Bumped by a crash: events of an earlier life are void. */
  int life;
  /** Bumped whenever a build starts or stops: a BUILD_DONE of another token is void. */
  int buildToken;
  final ArrayDeque<LeaseRef> queue = new ArrayDeque<>();
  LeaseRef current;
  long since;
  /** Finished builds whose report has not been answered (sent late, or cut off by a partition). */
  final List<Report> unreported = new ArrayList<>();
  /** What its last heartbeat that got through said it builds (what a naive control plane sees). */
  LeaseRef reportedCurrent;
  /** The incident's rule: consecutive failures of the ssh probe, escalated at 3. */
  int naiveFailures;

  SimDrone(int index, int cores, double speed, MachineKind machine) {
    this.index = index;
    this.id = String.format("drone-%02d", index);
    this.cores = cores;
    this.speed = speed;
    this.machine = machine;
    this.capabilities = cores >= 16 ? Set.of("big") : Set.of();
  }

  /** Up and reachable: the drone does its work and could answer every probe. */
  boolean reachable() {
    return up && !partitioned;
  }

  boolean sick(long now) {
    return now < sickUntil;
  }

  boolean holds(LeaseRef ref) {
    if (ref.equals(current) || queue.contains(ref)) {
      return true;
    }
    for (Report r : unreported) {
      if (r.lease().equals(ref)) {
        return true;
      }
    }
    return false;
  }

  List<LeaseRef> unreportedRefs() {
    return unreported.stream().map(Report::lease).toList();
  }

  /** Gives up {@code ref}: out of the queue, the reports, and the build if it is the current one. */
  void drop(LeaseRef ref) {
    queue.remove(ref);
    unreported.removeIf(r -> r.lease().equals(ref));
    if (ref.equals(current)) {
      current = null;
      buildToken++;
    }
  }

  void crash() {
    up = false;
    life++;
    buildToken++;
    queue.clear();
    current = null;
    unreported.clear();
    reportedCurrent = null;
    naiveFailures = 0;
  }
}
