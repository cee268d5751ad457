package dev.warden.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.DataFiles;
import dev.warden.core.UnknownKeys;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.core.WardenSettings;
import dev.warden.core.WorkerKind;
import dev.warden.core.cluster.ClusterSettings;
import dev.warden.core.http.HttpSettings;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration before anything starts: resolved in layers ({@link Warden#loadConfig}),
 * the kinds' names and every setting checked, the data directory made, and the ActorSystem's name.
 * A start that fails here has written nothing but the data directory.
 */
public final class NodeConfig {
  private NodeConfig() {}

  /** See {@link Warden#loadConfig}. */
  public static Config load(Config overrides) {
    try {
      Config loaded = layered(overrides, ConfigFactory.empty());
      ClusterSettings cluster = ClusterSettings.create(loaded);
      // Cluster mode implies Pekko settings (provider, Artery, seeds, split-brain resolver): layered
      // under the user's own configuration, so an explicit pekko.* key still wins.
      return cluster.enabled() ? layered(overrides, cluster.pekkoLayer()) : loaded;
    } catch (ConfigException e) {
      throw new WardenConfigException(e.origin() == null ? "" : e.origin().description(), e.getMessage(), e);
    }
  }

  private static Config layered(Config overrides, Config cluster) {
    return ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(cluster)
        .withFallback(ConfigFactory.parseResourcesAnySyntax("warden-defaults"))
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }

  /**
   * Cluster mode: {@code config} with a {@link ClusterSettings#kindRole} per kind added to {@code pekko.cluster.roles}
   * (the configuration's own roles kept); else {@code config} as it is.
   */
  public static Config withKindRoles(Config config, List<String> kinds) {
    if (!ClusterSettings.create(config).enabled()) {
      return config;
    }
    Set<String> roles = new LinkedHashSet<>(config.getStringList("pekko.cluster.roles"));
    kinds.forEach(k -> roles.add(ClusterSettings.kindRole(k)));
    return ConfigFactory.parseMap(Map.of("pekko.cluster.roles", List.copyOf(roles)), "warden: one cluster role per worker kind")
        .withFallback(config);
  }

  /** {@code warden.node-name}, or in cluster mode {@code warden.cluster.name} (the same on every member). */
  public static String systemName(Config config, WardenSettings settings) {
    ClusterSettings cluster = ClusterSettings.create(config);
    return cluster.enabled() ? cluster.name() : settings.nodeName();
  }

  /**
   * The kinds' names, then everything that can be checked before a file is written: every kind's
   * settings, unknown keys ({@code warden.config.strict}); then the data directory is created
   * (owner-only) or checked.
   */
  public static void check(Config config, WardenSettings settings, List<WorkerKind<?>> kinds) {
    checkNames(kinds);
    for (WorkerKind<?> kind : kinds) {
      kind.validate(config);
    }
    UnknownKeys.check(config);
    HttpSettings.create(config);
    DataFiles.create(config).directory(settings.dataDir(), "warden.data-dir");
  }

  private static void checkNames(List<WorkerKind<?>> kinds) {
    Set<String> seen = new HashSet<>();
    for (WorkerKind<?> k : kinds) {
      if (k.name() == null || !k.name().matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException(
            "worker kind name must be lower-case letters, digits and '-', but was [" + k.name() + "]");
      }
      if (!seen.add(k.name())) {
        throw new IllegalArgumentException("worker kind [" + k.name() + "] registered twice");
      }
    }
  }
}
