package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.Forgotten;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What finished state the core may forget ({@code warden.build.retention}), decided as one {@link Forgotten}
 * event: succeeded packages no unpromoted release names, ended attempts but each package's latest, drones gone
 * and holding nothing, releases promoted long ago. Live state is never touched: queued, leased and BLOCKED
 * packages, the open attempt, drones holding a lease, releases not yet promoted.
 */
final class Retention {
  private final BuildState state;
  private final BuildSettings.Retention settings;

  Retention(BuildState state, BuildSettings settings) {
    this.state = state;
    this.settings = settings.retention();
  }

  /** The event forgetting what is due at {@code now}; null when nothing is. */
  Forgotten sweep(Instant now) {
    Set<String> gated = new HashSet<>();
    List<String> releases = new ArrayList<>();
    for (Release r : state.releases.values()) {
      if (r.promoted == null) {
        gated.addAll(r.packages);
      } else if (!r.promotedAt().plus(settings.promotedReleases()).isAfter(now)) {
        releases.add(r.name);
      }
    }
    List<String> packages = new ArrayList<>();
    Map<String, Integer> attemptsFrom = new TreeMap<>();
    for (PackageState p : state.packages.values()) {
      Instant ended = p.lastEnded();
      if (p.status == PackageStatus.SUCCEEDED && !gated.contains(p.id) && due(ended, settings.finishedPackages(), now)) {
        packages.add(p.id);
        continue;
      }
      int from = p.dropped + 1;
      for (Attempt a : p.attempts) {
        if (a.epoch >= p.epoch || !due(a.ended, settings.endedAttempts(), now)) {
          break; // attempts end in order: the first one still kept ends the run
        }
        from = a.epoch + 1;
      }
      if (from > p.dropped + 1) {
        attemptsFrom.put(p.id, from);
      }
    }
    List<String> drones = new ArrayList<>();
    for (DroneState d : state.drones.values()) {
      if (d.leases.isEmpty() && d.silence(now).compareTo(settings.goneDrones()) >= 0) {
        drones.add(d.id);
      }
    }
    packages.sort(null);
    releases.sort(null);
    Forgotten f = new Forgotten(now, packages, attemptsFrom, drones, releases);
    return f.nothing() ? null : f;
  }

  private static boolean due(Instant ended, java.time.Duration keep, Instant now) {
    return ended != null && !ended.plus(keep).isAfter(now);
  }
}
