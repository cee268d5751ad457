package dev.warden.workers.build;

import java.time.Instant;

/** One lease of a package (the ledger's attempt): who held it, from when, and how it ended. */
final class Attempt {
  enum End {
    OPEN,
    ACCEPTED,
    RECLAIMED,
    STOLEN
  }

  final int epoch;
  final String drone;
  final Instant granted;
  End end = End.OPEN;
  /** The recorded outcome, the reclaim cause, or the thief. */
  String endDetail;
  /** When it ended; null while open. */
  Instant ended;

  Attempt(int epoch, String drone, Instant granted) {
    this.epoch = epoch;
    this.drone = drone;
    this.granted = granted;
  }

  boolean revoked() {
    return end == End.RECLAIMED || end == End.STOLEN;
  }

  String describe() {
    return end == End.OPEN ? "open" : end.name().toLowerCase() + " " + endDetail;
  }
}
