package dev.warden.workers.graveyard.legacy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of one read so far: records, damaged ranges by reason, bytes.
 *
 * @param records records read intact
 * @param damageCounts damaged ranges by reason (reasons never seen are absent)
 * @param damagedBytes total bytes quarantined
 * @param bytesScanned bytes examined, from the start offset to where reading stopped
 */
public record ReadSummary(long records, Map<DamageReason, Long> damageCounts, long damagedBytes,
    long bytesScanned) {

  public ReadSummary {
    damageCounts = Collections.unmodifiableMap(damageCounts.isEmpty()
        ? new EnumMap<>(DamageReason.class) : new EnumMap<>(damageCounts));
  }

  /** Total damaged ranges over all reasons. */
  public long damaged() {
    return damageCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Damaged ranges of one reason. */
  public long damaged(DamageReason reason) {
    return damageCounts.getOrDefault(reason, 0L);
  }
}
