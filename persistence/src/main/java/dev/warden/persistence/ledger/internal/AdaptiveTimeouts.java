package dev.warden.persistence.ledger.internal;

import dev.warden.core.metrics.LatencyWindow;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Start-to-close timeouts of types without a configured one: clamp(p99 × factor, min, max) over
 * a rolling window of completed and failed attempts once {@code min-samples} exist, else the
 * static default. A sample is the handler's invocation → result time (see {@link JobExecution}),
 * so queueing in the ledger never inflates it. The p99 is recomputed every 16 samples, not on
 * every start.
 */
final class AdaptiveTimeouts {
  private static final int RECOMPUTE_EVERY = 16;

  private final LedgerSettings settings;
  private final Map<String, Window> windows = new HashMap<>();

  private static final class Window {
    final LatencyWindow latencies;
    int sinceCompute = Integer.MAX_VALUE;
    long cachedMillis;

    Window(int capacity) {
      latencies = new LatencyWindow(capacity);
    }
  }

  AdaptiveTimeouts(LedgerSettings settings) {
    this.settings = settings;
  }

  /** An attempt that completed or failed took {@code millis}. Reaped/cancelled ones are no samples. */
  void record(String type, long millis) {
    Window w = windows.computeIfAbsent(type, t -> new Window(settings.window()));
    w.latencies.record(millis);
    if (w.sinceCompute != Integer.MAX_VALUE) {
      w.sinceCompute++;
    }
  }

  Duration timeout(String type) {
    Window w = windows.get(type);
    if (w == null || w.latencies.size() < settings.minSamples()) {
      return settings.staticTimeout();
    }
    if (w.sinceCompute >= RECOMPUTE_EVERY) {
      long v = (long) Math.ceil(w.latencies.percentile(0.99) * settings.timeoutFactor());
      w.cachedMillis = Math.max(settings.timeoutMin().toMillis(), Math.min(settings.timeoutMax().toMillis(), v));
      w.sinceCompute = 0;
    }
    return Duration.ofMillis(w.cachedMillis);
  }
}
