package dev.warden.workers.build;

import dev.warden.core.WardenSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The control plane's durable state at one journal row, immutable: what {@link ControlPlane} saves every
 * {@code warden.build.service.snapshot-every} rows so that a restart replays only the rows after it. It
 * holds exactly what {@link BuildState#apply} builds from events (packages with their kept attempts, the
 * revoked ones that fence late reports included; drones with their ladders; releases with their promotions
 * and overrides; the counters rebuilt from events) and nothing soft. Serialized like the events, by the
 * {@code jackson-json} binding of {@code WardenSerializable}; its JSON is pinned in {@code BuildCodecTest}.
 * Made and read by {@link BuildSnapshots}.
 */
public record BuildSnapshot(
    long nextSeq, List<DroneRow> drones, List<PackageRow> packages, List<ReleaseRow> releases, CounterRow counters)
    implements WardenSerializable {

  public BuildSnapshot {
    drones = List.copyOf(drones);
    packages = List.copyOf(packages);
    releases = List.copyOf(releases);
  }

  /** A drone's registration, pause, leases (oldest grant first) and place on the escalation ladder. */
  public record DroneRow(String id, int cores, Set<String> capabilities, MachineKind machine, boolean paused, List<String> leases,
      EscalationLevel level, Instant levelAt, boolean awaitingAction, boolean lastRan) {
    public DroneRow {
      capabilities = Set.copyOf(capabilities);
      leases = List.copyOf(leases);
    }
  }

  /** A package; {@code attemptsDropped} attempts before the first of {@code attempts} were forgotten by retention. */
  public record PackageRow(String id, Set<String> requires, PackageStatus status, long seq, String holder, int epoch,
      Instant grantedAt, Instant expiry, int failures, Recorded lastRecorded, String digest, int attemptsDropped,
      List<AttemptRow> attempts) {
    public PackageRow {
      requires = Set.copyOf(requires);
      attempts = List.copyOf(attempts);
    }
  }

  /** {@code end}: OPEN, ACCEPTED, RECLAIMED or STOLEN; {@code detail} the outcome, cause or thief. */
  public record AttemptRow(int epoch, String drone, Instant granted, String end, String detail, Instant ended) {}

  public record ReleaseRow(String name, List<String> packages, BuildEvent.ReleasePromoted promoted) {
    public ReleaseRow {
      packages = List.copyOf(packages);
    }
  }

  /** Totals counted from events, and the last hour's grants and reclaims by minute (epoch minute to count). */
  public record CounterRow(long delegated, long steals, Map<ReclaimCause, Long> reclaims, Map<Recorded, Long> recorded,
      Map<EscalationLevel, Long> escalations, long rebootsRefused, Map<Long, Long> delegatedByMinute,
      Map<Long, Long> reclaimedByMinute) {
    public CounterRow {
      reclaims = sorted(reclaims);
      recorded = sorted(recorded);
      escalations = sorted(escalations);
      delegatedByMinute = sorted(delegatedByMinute);
      reclaimedByMinute = sorted(reclaimedByMinute);
    }

    private static <K extends Comparable<K>> Map<K, Long> sorted(Map<K, Long> m) {
      return Collections.unmodifiableMap(new TreeMap<>(m));
    }
  }
}
