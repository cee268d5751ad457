package dev.warden.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.time.Duration;

/**
 * Reads typed values from a {@link Config} and rejects bad ones with a
 * {@link WardenConfigException} that names the full key path and the value as written, e.g.
 * {@code warden.persistence.checkpoint.interval must be >= 0, but was -5s}. Every Warden
 * settings record reads through this class so the messages stay uniform.
 */
public final class ConfigReader {
  private final Config config;
  private final String prefix;

  private ConfigReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  /** A reader of the subtree at {@code path} (e.g. {@code warden.jmx}). */
  public static ConfigReader at(Config root, String path) {
    if (!root.hasPath(path)) {
      throw new WardenConfigException(path, path + " is missing (is the module's reference.conf on the classpath?)");
    }
    try {
      return new ConfigReader(root.getConfig(path), path);
    } catch (ConfigException.WrongType e) {
      throw new WardenConfigException(path, path + " must be an object, but was " + render(root, path), e);
    }
  }

  /** A reader of {@code sub}, reporting keys as {@code prefix.key}. */
  public static ConfigReader of(Config sub, String prefix) {
    return new ConfigReader(sub, prefix);
  }

  public ConfigReader child(String key) {
    if (!config.hasPath(key)) {
      throw missing(key, null);
    }
    try {
      return new ConfigReader(config.getConfig(key), path(key));
    } catch (ConfigException.WrongType e) {
      throw bad(key, "must be an object", e);
    }
  }

  public Config config() {
    return config;
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  public String path(String key) {
    return prefix + "." + key;
  }

  public Duration duration(String key) {
    try {
      return config.getDuration(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be a duration with a unit (e.g. 500ms, 10s, 1m)", e);
    }
  }

  /** A duration that must be strictly positive. */
  public Duration positiveDuration(String key) {
    Duration d = duration(key);
    if (d.isNegative() || d.isZero()) {
      throw bad(key, "must be > 0", null);
    }
    return d;
  }

  /** A duration that may be zero (meaning "off" where documented) but never negative. */
  public Duration nonNegativeDuration(String key) {
    Duration d = duration(key);
    if (d.isNegative()) {
      throw bad(key, "must be >= 0 (0 disables)", null);
    }
    return d;
  }

  public int intAtLeast(String key, int min) {
    int v;
    try {
      v = config.getInt(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be an integer", e);
    }
    if (v < min) {
      throw bad(key, "must be >= " + min, null);
    }
    return v;
  }

  public long bytes(String key) {
    try {
      return config.getBytes(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be a size (e.g. 512MiB, 2GiB)", e);
    }
  }

  public double doubleBetween(String key, double min, double max) {
    double v;
    try {
      v = config.getDouble(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be a number", e);
    }
    if (Double.isNaN(v) || v < min || v > max) {
      throw bad(key, "must be between " + min + " and " + max, null);
    }
    return v;
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be on or off", e);
    }
  }

  public String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException.Missing e) {
      throw missing(key, e);
    } catch (ConfigException e) {
      throw bad(key, "must be a string", e);
    }
  }

  public String nonEmptyString(String key) {
    String s = string(key);
    if (s.isBlank()) {
      throw bad(key, "must not be empty", null);
    }
    return s;
  }

  /** A TCP port: 0 means "any free port" where documented. */
  public int port(String key) {
    int p = intAtLeast(key, 0);
    if (p > 65535) {
      throw bad(key, "must be a TCP port between 0 and 65535", null);
    }
    return p;
  }

  /** Builds the uniform rejection message for {@code key}. */
  public WardenConfigException bad(String key, String rule, Throwable cause) {
    String full = path(key);
    String shown = config.hasPathOrNull(key) ? render(config, key) : "<missing>";
    return new WardenConfigException(full, full + " " + rule + ", but was " + shown, cause);
  }

  private WardenConfigException missing(String key, Throwable cause) {
    String full = path(key);
    return new WardenConfigException(full, full + " is missing", cause);
  }

  private static String render(Config c, String key) {
    if (c.getIsNull(key)) {
      return "null";
    }
    ConfigValue v = c.getValue(key);
    Object raw = v.unwrapped();
    return raw instanceof String s ? s : v.render().replaceAll("\\s+", " ");
  }
}
