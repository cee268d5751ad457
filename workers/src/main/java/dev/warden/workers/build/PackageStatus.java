package dev.warden.workers.build;

/** Where a package build stands. SUCCEEDED and BLOCKED are resting states; BLOCKED waits for an operator. */
public enum PackageStatus {
  /** Waiting for a drone. */
  QUEUED,
  /** Delegated to a drone under a lease (started or not). */
  LEASED,
  /** Built, and its artifact validated. */
  SUCCEEDED,
  /** Failed warden.build.leases.max-failures times; an operator retry queues it again. */
  BLOCKED
}
