package dev.warden.workers.build;

import java.time.Instant;

/** A package delegated to the asking drone: build it, and report with this epoch. */
public record Lease(String packageId, int epoch, Instant expiry, String stolenFrom) {
  public LeaseRef ref() {
    return new LeaseRef(packageId, epoch);
  }
}
