package dev.warden.workers.build;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A drone as the control plane sees it: registration, liveness, what it said it builds, its leases
 * (oldest grant first), the age of its oldest lease not started (its queue age, zero when none),
 * and the ladder's last level (null when none since the last clear).
 */
public record DroneView(
    String id,
    int cores,
    Set<String> capabilities,
    MachineKind machine,
    boolean paused,
    Instant lastSeen,
    boolean fresh,
    boolean offline,
    LeaseRef current,
    Instant buildingSince,
    List<LeaseRef> leases,
    Duration queueAge,
    EscalationLevel level) {
  public DroneView {
    capabilities = Set.copyOf(capabilities);
    leases = List.copyOf(leases);
  }
}
