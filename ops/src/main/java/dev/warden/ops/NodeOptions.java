package dev.warden.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command shares: {@code --config FILE}, {@code --data DIR} and
 * {@code -Dkey=value} overrides of any config key, layered (highest first) as
 * -D, --data, --config (default: {@code $WARDEN_HOME/conf/application.conf}), then Warden's defaults.
 */
public final class NodeOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file (default: conf/application.conf)")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: ./data)")
  Path data;

  @Option(names = "-D", paramLabel = "key=value", description = "override any config key, e.g. -Dwarden.jmx.connector.port=9010")
  Map<String, String> defines = new LinkedHashMap<>();

  /** The {@code -D key=value} overrides as given (bench passes them on to its child JVMs). */
  public Map<String, String> defines() {
    return Map.copyOf(defines);
  }

  /** The layered overrides, unresolved (Warden resolves once). */
  public Config overrides() {
    return overridesOver(ConfigFactory.empty());
  }

  /**
   * The overrides over a command's own defaults: -D, then --data, then {@code commandDefaults}
   * (e.g. the demo's free JMX port), then the config file.
   */
  public Config overridesOver(Config commandDefaults) {
    Config cfg = ConfigFactory.parseMap(defines, "-D on the command line");
    if (data != null) {
      cfg = cfg.withFallback(
          ConfigFactory.parseMap(Map.of("warden.data-dir", data.toAbsolutePath().toString()), "--data"));
    }
    cfg = cfg.withFallback(commandDefaults);
    Path file = configFile();
    if (config != null && !Files.isRegularFile(config)) {
      throw new UsageError("config file not found: " + config);
    }
    if (file != null) {
      cfg = cfg.withFallback(
          ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
    }
    return cfg;
  }

  /** The config file the overrides read: {@code --config}, else {@code conf/application.conf} if present, else null. */
  public Path configFile() {
    return config != null ? config : defaultConfig();
  }

  /** {@code --data} as given, or null. */
  public Path explicitDataDir() {
    return data;
  }

  /** The node's data directory as the overrides set it, for messages. */
  public Path dataDirHint() {
    return data != null ? data.toAbsolutePath() : Path.of("data").toAbsolutePath();
  }

  static Path defaultConfig() {
    String home = System.getProperty("warden.home");
    if (home == null) {
      return null;
    }
    Path p = Path.of(home, "conf", "application.conf");
    return Files.isRegularFile(p) ? p : null;
  }

  /** Bad arguments: the CLI prints one line and exits 2. */
  public static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
      super(message);
    }
  }
}
