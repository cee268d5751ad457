package dev.warden.workers.build;

import java.util.List;
import java.util.Set;

/**
 * A drone (re)registers: after its own start, and when the control plane no longer knows it (after a
 * control-plane restart). {@code holding} lists every lease it still has; the control plane's leases
 * on this drone missing from it are reclaimed at once (DRONE_RESTARTED), since the drone lost them.
 */
public record Registration(String droneId, int cores, Set<String> capabilities, MachineKind machine, List<LeaseRef> holding) {
  public Registration {
    Checks.id("droneId", droneId);
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1, but was " + cores);
    }
    capabilities = Checks.set("capabilities", capabilities);
    Checks.present("machine", machine);
    holding = Checks.list("holding", holding);
  }

  /** A drone that holds nothing (a fresh start). */
  public static Registration fresh(String droneId, int cores, Set<String> capabilities, MachineKind machine) {
    return new Registration(droneId, cores, capabilities, machine, List.of());
  }
}
