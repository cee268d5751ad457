package dev.warden.workers.build;

import java.time.Duration;

/**
 * A health probe of a drone, run every {@code warden.build.healing.probe-interval} for every registered,
 * unpaused drone, off the actor's thread. Configured ones come from {@code warden.build.healing.probes}
 * ({@link Probes}); a host may add its own with {@link BuildKind#withProbe}. A probe that takes longer than
 * {@code probe-timeout}, or throws, counts as TIMEOUT / UNREACHABLE.
 */
public interface DroneProbe {
  /** Unique among the probes: "ssh", "api", "health". */
  String name();

  /** Probes {@code droneId} once, blocking at most about {@code timeout}. */
  ProbeOutcome probe(String droneId, Duration timeout) throws Exception;
}
