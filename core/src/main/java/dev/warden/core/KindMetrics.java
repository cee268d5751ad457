package dev.warden.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters and gauges of one kind, shown as the {@code Counters} attribute of the kind's MBean.
 * Names are fixed by the kind's code, so the map stays small.
 */
public final class KindMetrics {
  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongSupplier> gauges = new ConcurrentHashMap<>();

  /** The counter named {@code name}, created at zero on first use. */
  public LongAdder counter(String name) {
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Registers (or replaces) a gauge read at snapshot time. */
  public void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    gauges.forEach(
        (k, v) -> {
          try {
            out.put(k, v.getAsLong());
          } catch (RuntimeException e) {
            out.put(k, -1L);
          }
        });
    return out;
  }
}
