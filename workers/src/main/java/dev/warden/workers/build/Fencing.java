package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.ReportAccepted;
import java.time.Instant;
import java.util.List;

/**
 * Reports against the package's current lease: only the holder of the current epoch is heard. Any
 * other report is stale and changes nothing; the revoked attempts it is checked against are part of
 * the journaled state, so a control-plane restart forgets none of them.
 */
final class Fencing {
  private final BuildState state;
  private final BuildSettings settings;
  private final Notices notices = new Notices();

  Fencing(BuildState state, BuildSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  /** The answer to {@code r} if it is not for its sender's current lease; null if it is. */
  ReportAnswer fence(Report r) {
    PackageState p = state.packages.get(r.packageId());
    if (p != null && p.heldBy(r.droneId(), r.epoch())) {
      return null;
    }
    String key = r.packageId() + "#" + r.epoch() + "@" + r.droneId();
    Attempt a = p == null ? null : p.attempt(r.epoch());
    if (a != null && a.end == Attempt.End.ACCEPTED && a.drone.equals(r.droneId())) {
      state.counters.duplicateReports++;
      return ReportAnswer.duplicate(Recorded.valueOf(a.endDetail), p.status, notices.first(key));
    }
    state.counters.staleReports++;
    String holder = p != null && p.status == PackageStatus.LEASED ? p.holder : null;
    return ReportAnswer.stale(holder, notices.first(key));
  }

  /** Fences {@code r}, then records it: a success whose artifact is not VALID is MISSING_BINARY, a counted failure. */
  Decision<ReportAnswer> report(Report r, ArtifactCheck artifact, Instant now) {
    ReportAnswer fenced = fence(r);
    if (fenced != null) {
      return Decision.of(fenced);
    }
    PackageState p = state.packages.get(r.packageId());
    Recorded recorded =
        r.outcome() == Report.Outcome.FAILURE ? Recorded.FAILED : artifact == ArtifactCheck.VALID ? Recorded.SUCCEEDED : Recorded.MISSING_BINARY;
    PackageStatus after =
        recorded == Recorded.SUCCEEDED
            ? PackageStatus.SUCCEEDED
            : p.failures + 1 >= settings.maxFailures() ? PackageStatus.BLOCKED : PackageStatus.QUEUED;
    String detail = recorded == Recorded.MISSING_BINARY ? "artifact " + artifact : r.detail();
    ReportAccepted e = new ReportAccepted(p.id, now, r.droneId(), r.epoch(), recorded, r.digest(), detail, after);
    return new Decision<>(ReportAnswer.accepted(recorded, after), List.of(e));
  }
}
