package dev.warden.core.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters one owner bound in {@link NodeMeters}: removed together when the owner unbinds. Names
 * are Micrometer's dotted names ({@code warden.ledger.jobs}); the Prometheus registry renders them
 * with underscores, a {@code _total} suffix on counters and the base unit in the name
 * ({@code warden_journal_writes_total}, {@code warden_checkpoint_duration_seconds}).
 */
public final class MeterScope {
  private static final Logger log = LoggerFactory.getLogger(MeterScope.class);

  private final MeterRegistry registry;
  private final Map<Meter.Id, Meter> meters = new LinkedHashMap<>();
  /** Function counters hold their source weakly: the scope keeps it alive. */
  private final List<Object> sources = new ArrayList<>();
  private final List<Family> families = new ArrayList<>();
  private final List<Runnable> refreshers = new ArrayList<>();

  MeterScope(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A gauge read at every scrape; {@code unit} null, or a base unit such as {@code "seconds"}. */
  public MeterScope gauge(String name, String description, String unit, Tags tags, DoubleSupplier value) {
    Meter.Id id = new Meter.Id(name, tags, unit, description, Meter.Type.GAUGE);
    if (!meters.containsKey(id)) {
      add(Gauge.builder(name, () -> value.getAsDouble())
          .description(description)
          .baseUnit(unit)
          .tags(tags)
          .strongReference(true)
          .register(registry));
    }
    return this;
  }

  /** A counter whose value the owner keeps (it only grows); rendered with {@code _total}. */
  public MeterScope counter(String name, String description, String unit, Tags tags, DoubleSupplier value) {
    Meter.Id id = new Meter.Id(name, tags, unit, description, Meter.Type.COUNTER);
    if (!meters.containsKey(id)) {
      sources.add(value);
      add(FunctionCounter.builder(name, value, DoubleSupplier::getAsDouble)
          .description(description)
          .baseUnit(unit)
          .tags(tags)
          .register(registry));
    }
    return this;
  }

  /**
   * A gauge family whose members come and go (one per job type, per conversation, ...): at every
   * scrape {@code values} is read once, a member is added for each new key and removed when its key
   * is gone. Every key must carry the same tag names.
   */
  public MeterScope gauges(String name, String description, String unit, Supplier<Map<Tags, ? extends Number>> values) {
    families.add(new Family(name, description, unit, values));
    return this;
  }

  /** Code run at every scrape before rendering, e.g. to add meters for figures that appeared since. */
  public MeterScope onScrape(Runnable refresh) {
    refreshers.add(refresh);
    return this;
  }

  void refresh() {
    for (Runnable r : refreshers) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.debug("warden metrics: a refresh failed; the meters keep their last members", e);
      }
    }
    families.forEach(Family::refresh);
  }

  void close() {
    families.forEach(Family::close);
    meters.values().forEach(registry::remove);
    meters.clear();
    sources.clear();
  }

  private void add(Meter m) {
    meters.put(m.getId(), m);
  }

  private final class Family {
    private final String name;
    private final String description;
    private final String unit;
    private final Supplier<Map<Tags, ? extends Number>> values;
    private final Map<Tags, Double> latest = new ConcurrentHashMap<>();
    private final Map<Tags, Meter> members = new HashMap<>();

    Family(String name, String description, String unit, Supplier<Map<Tags, ? extends Number>> values) {
      this.name = name;
      this.description = description;
      this.unit = unit;
      this.values = values;
    }

    void refresh() {
      Map<Tags, ? extends Number> now;
      try {
        now = values.get();
      } catch (RuntimeException e) {
        log.debug("warden metrics: [{}] could not be read; its members keep their last values", name, e);
        return;
      }
      now.forEach((tags, v) -> {
        latest.put(tags, v.doubleValue());
        members.computeIfAbsent(tags, t -> Gauge.builder(name, () -> latest.getOrDefault(t, Double.NaN))
            .description(description)
            .baseUnit(unit)
            .tags(t)
            .strongReference(true)
            .register(registry));
      });
      members.entrySet().removeIf(e -> {
        if (now.containsKey(e.getKey())) {
          return false;
        }
        registry.remove(e.getValue());
        latest.remove(e.getKey());
        return true;
      });
    }

    void close() {
      members.values().forEach(registry::remove);
      members.clear();
      latest.clear();
    }
  }
}
