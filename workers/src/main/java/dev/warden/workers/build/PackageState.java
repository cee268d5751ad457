package dev.warden.workers.build;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One package's build: status, current lease and every attempt. Changed only by
 * {@link BuildState#apply}, except {@link #lastNamed}, soft state kept by heartbeats.
 */
final class PackageState {
  final String id;
  final Set<String> requires;
  PackageStatus status = PackageStatus.QUEUED;
  /** Queue position: the submission order, renewed when a failure sends it to the back. */
  long seq;
  String holder;
  /** The last attempt's number (0 before the first lease): the current lease's epoch while LEASED. */
  int epoch;
  Instant grantedAt;
  Instant expiry;
  /** When the holder last named it in a heartbeat (or the grant): soft. */
  Instant lastNamed;
  int failures;
  Recorded lastRecorded;
  String digest;
  /** Attempt n is at index n - 1 - {@link #dropped}: every grant and steal adds one. */
  final List<Attempt> attempts = new ArrayList<>();
  /** Attempts forgotten by retention, the oldest first: attempts 1..dropped. */
  int dropped;

  PackageState(String id, Set<String> requires, long seq) {
    this.id = id;
    this.requires = requires;
    this.seq = seq;
  }

  Attempt attempt(int n) {
    int i = n - 1 - dropped;
    return i >= 0 && i < attempts.size() ? attempts.get(i) : null;
  }

  /** Forgets the attempts before {@code epoch} (retention); the latest is always kept. */
  void dropAttemptsBefore(int epoch) {
    while (dropped + 1 < epoch && attempts.size() > 1) {
      attempts.remove(0);
      dropped++;
    }
  }

  /** When the last attempt ended; null before the first lease or while it is open. */
  Instant lastEnded() {
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).ended;
  }

  /** True when {@code drone} holds the current lease {@code n}. */
  boolean heldBy(String drone, int n) {
    return status == PackageStatus.LEASED && epoch == n && drone.equals(holder);
  }

  void lease(String drone, int n, Instant at, Instant until) {
    status = PackageStatus.LEASED;
    holder = drone;
    epoch = n;
    grantedAt = at;
    expiry = until;
    lastNamed = at;
    attempts.add(new Attempt(n, drone, at));
  }

  void endAttempt(Attempt.End end, String detail, Instant at) {
    Attempt a = attempt(epoch);
    a.end = end;
    a.endDetail = detail;
    a.ended = at;
    holder = null;
    grantedAt = null;
    expiry = null;
    lastNamed = null;
  }
}
