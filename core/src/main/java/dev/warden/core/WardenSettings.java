package dev.warden.core;

import com.typesafe.config.Config;
import dev.warden.core.jmx.JmxConnectorSettings;
import dev.warden.core.supervision.SupervisionSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Core settings, read once from {@code warden.*} (defaults in core's {@code reference.conf}).
 * Construction validates every value and names the key and the bad value on failure.
 */
public record WardenSettings(
    String nodeName,
    Path dataDir,
    SupervisionSettings defaultSupervision,
    Config supervisionOverrides,
    Duration kindStopTimeout,
    boolean jmxEnabled,
    JmxConnectorSettings jmxConnector) {

  public static WardenSettings create(Config root) {
    ConfigReader w = ConfigReader.at(root, "warden");
    String nodeName = w.nonEmptyString("node-name");
    if (!nodeName.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
      throw w.bad("node-name", "must contain only letters, digits, '-' and '_'", null);
    }
    Path dataDir = path(w, "data-dir");
    DataFiles.create(root); // validates warden.data-dir-mode and warden.data-file-mode
    ConfigReader sup = w.child("supervision");
    SupervisionSettings def = SupervisionSettings.read(sup.child("default"));
    Config overrides = sup.child("kinds").config();
    for (String kind : overrides.root().keySet()) {
      readKind(root, def, overrides, kind);
    }
    Duration stop = w.positiveDuration("shutdown.kind-timeout");
    ConfigReader jmx = w.child("jmx");
    return new WardenSettings(
        nodeName,
        dataDir,
        def,
        overrides,
        stop,
        jmx.bool("enabled"),
        JmxConnectorSettings.create(jmx));
  }

  /** Supervision of {@code kind}: {@code warden.supervision.kinds.<kind>} over the default. */
  public SupervisionSettings supervisionFor(String kind) {
    return readKind(null, defaultSupervision, supervisionOverrides, kind);
  }

  private static SupervisionSettings readKind(Config root, SupervisionSettings def, Config overrides, String kind) {
    if (!overrides.hasPath(quoted(kind))) {
      return def;
    }
    ConfigReader k = ConfigReader.of(overrides.getConfig(quoted(kind)), "warden.supervision.kinds." + kind);
    int max = k.has("max-restarts") ? k.intAtLeast("max-restarts", 0) : def.maxRestarts();
    Duration within = k.has("within") ? k.positiveDuration("within") : def.within();
    Duration min = k.has("backoff.min") ? k.nonNegativeDuration("backoff.min") : def.minBackoff();
    Duration maxB = k.has("backoff.max") ? k.nonNegativeDuration("backoff.max") : def.maxBackoff();
    if (maxB.compareTo(min) < 0) {
      throw k.bad("backoff.max", "must be >= backoff.min (" + min + ")", null);
    }
    double rf = k.has("backoff.random-factor") ? k.doubleBetween("backoff.random-factor", 0, 1) : def.randomFactor();
    return new SupervisionSettings(max, within, min, maxB, rf);
  }

  private static Path path(ConfigReader w, String key) {
    try {
      return Path.of(w.nonEmptyString(key));
    } catch (java.nio.file.InvalidPathException e) {
      throw w.bad(key, "must be a valid path (" + e.getReason() + ")", e);
    }
  }

  private static String quoted(String key) {
    return com.typesafe.config.ConfigUtil.quoteString(key);
  }
}
