package dev.warden.persistence.ledger;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Start-to-close timeouts of types without a configured one: clamp(p99 × factor, min, max) over
 * a rolling window of completed and failed attempts once {@code min-samples} exist, else the
 * static default. The p99 is recomputed every 16 samples, not on every start.
 */
final class AdaptiveTimeouts {
  private static final int RECOMPUTE_EVERY = 16;

  private final LedgerSettings settings;
  private final Map<String, Window> windows = new HashMap<>();

  private static final class Window {
    final long[] ring;
    int next;
    int size;
    int sinceCompute = Integer.MAX_VALUE;
    long cachedMillis;

    Window(int capacity) {
      ring = new long[capacity];
    }

    void record(long millis) {
      ring[next] = millis;
      next = (next + 1) % ring.length;
      size = Math.min(size + 1, ring.length);
    }

    /** Nearest-rank p99. */
    long p99() {
      long[] sorted = Arrays.copyOf(ring, size);
      Arrays.sort(sorted);
      return sorted[Math.max(0, (int) Math.ceil(0.99 * size) - 1)];
    }
  }

  AdaptiveTimeouts(LedgerSettings settings) {
    this.settings = settings;
  }

  /** An attempt that completed or failed took {@code millis}. Reaped/cancelled ones are no samples. */
  void record(String type, long millis) {
    Window w = windows.computeIfAbsent(type, t -> new Window(settings.window()));
    w.record(millis);
    if (w.sinceCompute != Integer.MAX_VALUE) {
      w.sinceCompute++;
    }
  }

  Duration timeout(String type) {
    Window w = windows.get(type);
    if (w == null || w.size < settings.minSamples()) {
      return settings.staticTimeout();
    }
    if (w.sinceCompute >= RECOMPUTE_EVERY) {
      long p99 = w.p99();
      long v = (long) Math.ceil(p99 * settings.timeoutFactor());
      w.cachedMillis = Math.max(settings.timeoutMin().toMillis(), Math.min(settings.timeoutMax().toMillis(), v));
      w.sinceCompute = 0;
    }
    return Duration.ofMillis(w.cachedMillis);
  }
}
