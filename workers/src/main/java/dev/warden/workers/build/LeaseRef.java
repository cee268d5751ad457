package dev.warden.workers.build;

/** A package as a drone holds it: the id and the lease epoch it was given (the ledger's attempt number). */
public record LeaseRef(String packageId, int epoch) {
  public LeaseRef {
    Checks.id("packageId", packageId);
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, but was " + epoch);
    }
  }
}
