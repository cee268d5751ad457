package dev.warden.workers.build;

import java.time.Instant;
import java.util.List;

/** A named set of packages, and its promotion once it happened. */
final class Release {
  final String name;
  final List<String> packages;
  BuildEvent.ReleasePromoted promoted;

  Release(String name, List<String> packages) {
    this.name = name;
    this.packages = packages;
  }

  Instant promotedAt() {
    return promoted == null ? null : promoted.at();
  }
}
