package dev.warden.core;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
  private final Set<String> counting = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Instance> instances = new ConcurrentHashMap<>();

  /**
   * A gauge of one of several like parts of a kind (a worker of a pool): on JMX named
   * {@code <instance>.<figure>}, on {@code /metrics} one meter {@code <figure>} with a label
   * {@code label=instance}, so that a scrape does not mint a metric name per part.
   */
  public record Instance(String figure, String label, String instance) {}

  /** The counter named {@code name}, created at zero on first use. */
  public LongAdder counter(String name) {
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Registers (or replaces) a gauge read at snapshot time. */
  public void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  /**
   * Registers (or replaces) gauge {@code figure} of part {@code instance} (e.g. worker {@code worker-2}),
   * shown on JMX as {@code worker-2.rss-bytes}; see {@link Instance}.
   */
  public void instanceGauge(String label, String instance, String figure, LongSupplier value) {
    String name = instance + "." + figure;
    instances.put(name, new Instance(figure, label, instance));
    gauge(name, value);
  }

  /** How gauge {@code name} was registered by {@link #instanceGauge}; null for a plain figure. */
  public Instance instance(String name) {
    return instances.get(name);
  }

  /**
   * Registers (or replaces) a gauge whose value only grows (a count the kind keeps elsewhere): shown
   * like any gauge on JMX, exported as a counter on {@code /metrics}.
   */
  public void countingGauge(String name, LongSupplier value) {
    counting.add(name);
    gauge(name, value);
  }

  /** Names of the counters, and of the gauges registered with {@link #countingGauge}. */
  public Set<String> counterNames() {
    Set<String> names = new java.util.TreeSet<>(counters.keySet());
    names.addAll(counting);
    return names;
  }

  /** Names of the gauges, less those registered with {@link #countingGauge}. */
  public Set<String> gaugeNames() {
    Set<String> names = new java.util.TreeSet<>(gauges.keySet());
    names.removeAll(counting);
    return names;
  }

  /** The current value of counter or gauge {@code name}; empty when unknown or its gauge fails. */
  public OptionalLong value(String name) {
    LongAdder c = counters.get(name);
    if (c != null) {
      return OptionalLong.of(c.sum());
    }
    LongSupplier g = gauges.get(name);
    if (g == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(g.getAsLong());
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
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
