package dev.warden.workers.build;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a drone is doing, sent every few seconds, also while it builds.
 *
 * @param current the lease it is building, or null when idle
 * @param buildingSince when it started {@code current}; required with it, null without
 * @param queue leases it holds and has not started, in the order it will start them
 * @param unreported leases it finished whose report it has not yet had answered (a report is
 *     retried until answered); they are held like the package it builds
 */
public record Heartbeat(String droneId, LeaseRef current, Instant buildingSince, List<LeaseRef> queue, List<LeaseRef> unreported) {
  public Heartbeat {
    Checks.id("droneId", droneId);
    if ((current == null) != (buildingSince == null)) {
      throw new IllegalArgumentException(
          current == null ? "building_since must be absent when nothing is being built" : "building_since is required with the current package");
    }
    queue = Checks.list("queue", queue);
    unreported = Checks.list("unreported", unreported);
  }

  /** An idle drone with nothing queued. */
  public static Heartbeat idle(String droneId) {
    return new Heartbeat(droneId, null, null, List.of(), List.of());
  }

  /** Every lease it names: current, queued and unreported. */
  public List<LeaseRef> named() {
    List<LeaseRef> all = new ArrayList<>(queue.size() + unreported.size() + 1);
    if (current != null) {
      all.add(current);
    }
    all.addAll(queue);
    all.addAll(unreported);
    return all;
  }
}
