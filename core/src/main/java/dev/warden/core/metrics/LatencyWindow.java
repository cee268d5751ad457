package dev.warden.core.metrics;

import java.util.Arrays;

/**
 * The last {@code capacity} durations in milliseconds, in a fixed ring; older ones fall out.
 * Not thread-safe: one owner (an actor), which publishes immutable {@link Stats}.
 */
public final class LatencyWindow {
  private final long[] ring;
  private int next;
  private int size;

  public LatencyWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
    }
    this.ring = new long[capacity];
  }

  public void record(long millis) {
    ring[next] = millis;
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  public int size() {
    return size;
  }

  /** Nearest-rank {@code q}-quantile (0..1) of the samples in the window; 0 when empty. */
  public long percentile(double q) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(ring, size);
    Arrays.sort(sorted);
    return rank(sorted, q);
  }

  /** Nearest-rank percentiles over the samples in the window; all zero when empty. */
  public Stats stats() {
    if (size == 0) {
      return new Stats(0, 0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(ring, size);
    Arrays.sort(sorted);
    return new Stats(size, rank(sorted, 0.50), rank(sorted, 0.95), sorted[size - 1]);
  }

  private static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  /** Summary of the window: sample count and p50/p95/max in milliseconds. */
  public record Stats(int n, long p50Millis, long p95Millis, long maxMillis) {}
}
