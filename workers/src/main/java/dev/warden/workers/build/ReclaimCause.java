package dev.warden.workers.build;

/** Why a lease was taken back from its holder. Never "not started yet". */
public enum ReclaimCause {
  /** The holder's heartbeat is older than warden.build.heartbeat.offline-after. */
  OFFLINE,
  /** The lease expired and its holder's heartbeat is stale, and the holder was not building it. */
  LEASE_EXPIRED,
  /** The holder heartbeats freshly but has not named the package for a whole lease duration. */
  NOT_HELD,
  /** The holder registered again without it: it restarted and lost it. */
  DRONE_RESTARTED,
  /** An operator revoked it. */
  OPERATOR
}
