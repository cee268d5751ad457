package dev.warden.workers.build;

import java.util.List;

/**
 * The answer to a lease request. {@code known} false: the control plane does not know the drone
 * (it must register, listing what it holds); {@code paused}: it gets nothing until resumed.
 */
public record LeaseAnswer(boolean known, boolean paused, List<Lease> leases) {
  public LeaseAnswer {
    leases = List.copyOf(leases);
  }

  static LeaseAnswer unknown() {
    return new LeaseAnswer(false, false, List.of());
  }
}
