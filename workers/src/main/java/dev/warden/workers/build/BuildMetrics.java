package dev.warden.workers.build;

import java.time.Duration;
import java.util.Map;

/**
 * The kind's figures at one instant. Churn is reclaims per delegation over the last hour (NaN with no
 * delegation in it). Utilization is busy cores over healthy cores (fresh heartbeat, not paused;
 * NaN without any); busy means building a lease it holds. Not-started ages are those of leases held
 * by drones with a fresh heartbeat and not yet started (zero when none).
 */
public record BuildMetrics(
    int queued,
    int leased,
    int succeeded,
    int blocked,
    long delegated,
    long steals,
    Map<ReclaimCause, Long> reclaims,
    Map<Recorded, Long> recorded,
    long delegatedLastHour,
    long reclaimedLastHour,
    double churnLastHour,
    int healthyCores,
    int busyCores,
    double utilization,
    int notStarted,
    Duration notStartedMedian,
    Duration notStartedMax,
    boolean notStartedAlarm,
    Map<EscalationLevel, Long> escalations,
    long rebootsRefused,
    long suppressedEscalations,
    long staleReports,
    long duplicateReports) {

  public BuildMetrics {
    reclaims = Map.copyOf(reclaims);
    recorded = Map.copyOf(recorded);
    escalations = Map.copyOf(escalations);
  }

  public long reclaimsTotal() {
    return reclaims.values().stream().mapToLong(Long::longValue).sum();
  }
}
