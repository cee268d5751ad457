package dev.warden.workers.build;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One registered drone. Registration, pause and the ladder's position are durable (changed by
 * {@link BuildState#apply}); liveness and what it says it is doing are soft state from heartbeats.
 */
final class DroneState {
  final String id;
  int cores;
  Set<String> capabilities;
  MachineKind machine;
  boolean paused;
  /** Packages leased to it, oldest grant first. */
  final LinkedHashSet<String> leases = new LinkedHashSet<>();

  /** Ladder: the last level fired (null: none since the last clear), when, and whether its action ran. */
  EscalationLevel level;
  Instant levelAt;
  boolean awaitingAction;
  boolean lastRan;

  // soft
  Instant lastSeen;
  /** False from (re)registration until its first heartbeat: until then what it builds is unknown. */
  boolean heartbeatSeen;
  LeaseRef current;
  Instant buildingSince;
  Set<LeaseRef> unreported = Set.of();

  DroneState(String id) {
    this.id = id;
  }

  Duration silence(Instant now) {
    return lastSeen == null ? Duration.ofDays(36500) : Duration.between(lastSeen, now);
  }

  boolean fresh(Instant now, BuildSettings s) {
    return silence(now).compareTo(s.staleAfter()) < 0;
  }

  boolean offline(Instant now, BuildSettings s) {
    return silence(now).compareTo(s.offlineAfter()) >= 0;
  }

  boolean canBuild(Set<String> requires) {
    return capabilities.containsAll(requires);
  }

  /** True when it said it builds, or has finished and is reporting, lease {@code epoch} of {@code pkg}. */
  boolean working(String pkg, int epoch) {
    LeaseRef ref = new LeaseRef(pkg, epoch);
    return ref.equals(current) || unreported.contains(ref);
  }
}
