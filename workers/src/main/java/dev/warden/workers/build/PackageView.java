package dev.warden.workers.build;

import java.time.Instant;
import java.util.List;

/**
 * A package as the control plane sees it. {@code holder}, {@code grantedAt} and {@code expiry} are
 * null unless LEASED; {@code epoch} is the last attempt's number (0 before the first lease).
 */
public record PackageView(
    String id,
    PackageStatus status,
    String holder,
    int epoch,
    Instant grantedAt,
    Instant expiry,
    int failures,
    Recorded lastRecorded,
    String digest,
    List<AttemptView> attempts) {

  /** One attempt (lease): {@code ended} is null while open, else "accepted SUCCEEDED", "reclaimed OFFLINE", "stolen by d7". */
  public record AttemptView(int epoch, String droneId, Instant granted, String ended) {}

  public PackageView {
    attempts = List.copyOf(attempts);
  }

  static PackageView of(PackageState p) {
    List<AttemptView> attempts =
        p.attempts.stream().map(a -> new AttemptView(a.epoch, a.drone, a.granted, a.end == Attempt.End.OPEN ? null : a.describe())).toList();
    return new PackageView(p.id, p.status, p.holder, p.epoch, p.grantedAt, p.expiry, p.failures, p.lastRecorded, p.digest, attempts);
  }
}
