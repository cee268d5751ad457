package dev.warden.workers.build;

/** One run of one probe ({@code probe} names it: "ssh", "api", "health") against a drone. */
public record ProbeResult(String droneId, String probe, ProbeOutcome outcome, String detail) {
  public ProbeResult {
    Checks.id("droneId", droneId);
    Checks.id("probe", probe);
    Checks.present("outcome", outcome);
  }
}
