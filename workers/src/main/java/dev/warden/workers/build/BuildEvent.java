package dev.warden.workers.build;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every change of the build kind's durable state, past tense, small and immutable. The core applies
 * each event it decides at once; replaying the same events on a fresh {@link BuildControl} (see
 * {@link BuildControl#replay}) rebuilds the same packages, leases, epochs, revocations, releases and
 * ladders. Heartbeats and probe results are not events: they are soft state that the drones resend.
 *
 * <p>Journaling through the ledger: a package is a ledger job, {@link LeaseGranted} is its attempt
 * {@code epoch} starting, {@link LeaseReclaimed} that attempt reaped, {@link LeaseStolen} one fenced
 * transition (attempt {@code fromEpoch} reaped and attempt {@code epoch} started in one batch), and
 * {@link ReportAccepted} the attempt completing or failing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "e")
@JsonSubTypes({
  @JsonSubTypes.Type(value = BuildEvent.DroneRegistered.class, name = "DroneRegistered"),
  @JsonSubTypes.Type(value = BuildEvent.DronePaused.class, name = "DronePaused"),
  @JsonSubTypes.Type(value = BuildEvent.DroneResumed.class, name = "DroneResumed"),
  @JsonSubTypes.Type(value = BuildEvent.PackageSubmitted.class, name = "PackageSubmitted"),
  @JsonSubTypes.Type(value = BuildEvent.LeaseGranted.class, name = "LeaseGranted"),
  @JsonSubTypes.Type(value = BuildEvent.LeaseStolen.class, name = "LeaseStolen"),
  @JsonSubTypes.Type(value = BuildEvent.LeaseReclaimed.class, name = "LeaseReclaimed"),
  @JsonSubTypes.Type(value = BuildEvent.ReportAccepted.class, name = "ReportAccepted"),
  @JsonSubTypes.Type(value = BuildEvent.PackageRetried.class, name = "PackageRetried"),
  @JsonSubTypes.Type(value = BuildEvent.ReleaseDefined.class, name = "ReleaseDefined"),
  @JsonSubTypes.Type(value = BuildEvent.ReleasePromoted.class, name = "ReleasePromoted"),
  @JsonSubTypes.Type(value = BuildEvent.Escalated.class, name = "Escalated"),
  @JsonSubTypes.Type(value = BuildEvent.ActionFinished.class, name = "ActionFinished"),
  @JsonSubTypes.Type(value = BuildEvent.HealingCleared.class, name = "HealingCleared"),
  @JsonSubTypes.Type(value = BuildEvent.Forgotten.class, name = "Forgotten")
})
public sealed interface BuildEvent
    permits BuildEvent.DroneRegistered,
        BuildEvent.DronePaused,
        BuildEvent.DroneResumed,
        BuildEvent.PackageSubmitted,
        BuildEvent.LeaseGranted,
        BuildEvent.LeaseStolen,
        BuildEvent.LeaseReclaimed,
        BuildEvent.ReportAccepted,
        BuildEvent.PackageRetried,
        BuildEvent.ReleaseDefined,
        BuildEvent.ReleasePromoted,
        BuildEvent.Escalated,
        BuildEvent.ActionFinished,
        BuildEvent.HealingCleared,
        BuildEvent.Forgotten {

  Instant at();

  record DroneRegistered(String droneId, Instant at, int cores, Set<String> capabilities, MachineKind machine) implements BuildEvent {
    public DroneRegistered {
      capabilities = Set.copyOf(capabilities);
    }
  }

  record DronePaused(String droneId, Instant at, String by) implements BuildEvent {}

  record DroneResumed(String droneId, Instant at, String by) implements BuildEvent {}

  record PackageSubmitted(String packageId, Instant at, Set<String> requires) implements BuildEvent {
    public PackageSubmitted {
      requires = Set.copyOf(requires);
    }
  }

  /** Attempt {@code epoch} of the package is delegated to {@code droneId} until {@code expiry}. */
  record LeaseGranted(String packageId, Instant at, String droneId, int epoch, Instant expiry) implements BuildEvent {}

  /** Queued, not started work moved from an idle drone's donor: attempt {@code fromEpoch} revoked, {@code epoch} granted. */
  record LeaseStolen(String packageId, Instant at, String fromDrone, int fromEpoch, String droneId, int epoch, Instant expiry)
      implements BuildEvent {}

  /** Attempt {@code epoch} revoked from {@code droneId}; the package is queued again. */
  record LeaseReclaimed(String packageId, Instant at, String droneId, int epoch, ReclaimCause cause) implements BuildEvent {}

  /** The report of the current attempt, recorded; {@code status} is where the package stands after it. */
  record ReportAccepted(
      String packageId, Instant at, String droneId, int epoch, Recorded recorded, String digest, String detail, PackageStatus status)
      implements BuildEvent {}

  /** An operator queued a BLOCKED package again, with a fresh failure count. */
  record PackageRetried(String packageId, Instant at, String by) implements BuildEvent {}

  record ReleaseDefined(String release, Instant at, List<String> packages) implements BuildEvent {
    public ReleaseDefined {
      packages = List.copyOf(packages);
    }
  }

  /** A release promoted; {@code overridden} when {@code notReady} was not empty and {@code by} said {@code why}. */
  record ReleasePromoted(String release, Instant at, boolean overridden, String by, String why, List<String> notReady)
      implements BuildEvent {
    public ReleasePromoted {
      notReady = List.copyOf(notReady);
    }
  }

  /** The ladder fired {@code level} on the drone; {@code refused} is the level it would have used (reboot) when refused. */
  record Escalated(String droneId, Instant at, EscalationLevel level, EscalationLevel refused, String reason) implements BuildEvent {}

  /** The action of {@code level} finished; {@code ran} false when its command could not run or failed. */
  record ActionFinished(String droneId, Instant at, EscalationLevel level, boolean ran) implements BuildEvent {}

  /** A passing probe after an escalation: the drone's ladder starts from its first level again. */
  record HealingCleared(String droneId, Instant at) implements BuildEvent {}

  /**
   * Retention ({@code warden.build.retention}) forgot finished state: {@code packages} (succeeded, named by no
   * unpromoted release), the attempts of a package before the epoch {@code attemptsFrom} gives it (ended long
   * ago, never the latest), {@code drones} (gone, holding nothing) and {@code releases} (promoted long ago).
   * The journal keeps every earlier event.
   */
  record Forgotten(Instant at, List<String> packages, Map<String, Integer> attemptsFrom, List<String> drones, List<String> releases)
      implements BuildEvent {
    public Forgotten {
      packages = List.copyOf(packages);
      attemptsFrom = Collections.unmodifiableMap(new TreeMap<>(attemptsFrom));
      drones = List.copyOf(drones);
      releases = List.copyOf(releases);
    }

    boolean nothing() {
      return packages.isEmpty() && attemptsFrom.isEmpty() && drones.isEmpty() && releases.isEmpty();
    }
  }
}
