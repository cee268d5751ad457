package dev.warden.workers.graveyard;

import dev.warden.core.KindMetrics;
import java.util.function.LongSupplier;

/**
 * The graveyard's figures on the kind's MBean ({@code Counters}): imports, failures, the last
 * import's duration, records/s, parse errors per million, quarantined ranges, last success
 * time, and the stored-pattern count and its high-water mark.
 */
final class ImportMetrics {
  private final KindMetrics metrics;
  private volatile long lastDurationMs = -1;
  private volatile long lastSuccessMillis = -1;
  private volatile long lastRecordsPerSecond;
  private volatile long lastParseErrorsPpm;
  private volatile long lastQuarantined;

  ImportMetrics(KindMetrics metrics, LongSupplier stored, LongSupplier highWater) {
    this.metrics = metrics;
    metrics.gauge("stored-patterns", stored);
    metrics.gauge("stored-patterns-high-water", highWater);
    metrics.gauge("last-import-duration-ms", () -> lastDurationMs);
    metrics.gauge("last-import-success-epoch-ms", () -> lastSuccessMillis);
    metrics.gauge("last-import-records-per-second", () -> lastRecordsPerSecond);
    metrics.gauge("last-import-parse-errors-per-million", () -> lastParseErrorsPpm);
    metrics.gauge("last-import-quarantined", () -> lastQuarantined);
  }

  void succeeded(ImportReport r, long stored) {
    metrics.counter("imports").increment();
    metrics.counter("records-imported").add(r.imported());
    metrics.counter("ranges-quarantined").add(r.quarantined());
    lastDurationMs = r.duration().toMillis();
    lastSuccessMillis = r.finishedAt().toEpochMilli();
    lastRecordsPerSecond = Math.round(r.recordsPerSecond());
    lastParseErrorsPpm = Math.round(r.parseErrorRate() * 1e6);
    lastQuarantined = r.quarantined();
  }

  void failed() {
    metrics.counter("import-failures").increment();
  }
}
