package dev.warden.workers.build;

/**
 * A drone's completion report for one lease. A report is answered once per lease; sending it again
 * (a retry after a lost answer) is answered as a duplicate and changes nothing.
 *
 * @param digest the artifact's digest on success (checked by the host's {@link ArtifactValidator}); may be null on failure
 * @param detail a short reason on failure, or null
 */
public record Report(String droneId, String packageId, int epoch, Outcome outcome, String digest, String detail) {
  /** What the drone says happened. */
  public enum Outcome {
    SUCCESS,
    FAILURE
  }

  public Report {
    Checks.id("droneId", droneId);
    Checks.id("packageId", packageId);
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1, but was " + epoch);
    }
    Checks.present("outcome", outcome);
  }

  public LeaseRef lease() {
    return new LeaseRef(packageId, epoch);
  }
}
