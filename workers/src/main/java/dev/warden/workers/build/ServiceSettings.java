package dev.warden.workers.build;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import dev.warden.core.http.HttpSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the build actor and its doors ({@code warden.build.service}, {@code warden.build.healing.probes}),
 * beside the decision core's {@link BuildSettings}. A bind of the node's HTTP server beyond loopback without
 * {@code warden.build.service.drone-tokens-file} is refused here.
 */
record ServiceSettings(
    String persistenceId,
    int snapshotEvery,
    Duration tickInterval,
    Duration askTimeout,
    Duration actionTimeout,
    Optional<Path> droneTokensFile,
    List<DroneProbe> probes) {

  static ServiceSettings create(Config root) {
    ConfigReader s = ConfigReader.at(root, "warden.build.service");
    String pid = s.nonEmptyString("persistence-id");
    Duration tick = s.positiveDuration("tick-interval");
    Duration ask = s.positiveDuration("ask-timeout");
    Duration action = s.positiveDuration("action-timeout");
    String file = s.string("drone-tokens-file").trim();
    Optional<Path> tokens = file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file));
    HttpSettings http = HttpSettings.create(root);
    if (http.enabled() && !http.address().isLoopbackAddress() && tokens.isEmpty()) {
      throw new WardenConfigException(s.path("drone-tokens-file"), "warden.http.host = " + http.host()
          + " is not a loopback address: drones beyond loopback need per-drone tokens, but "
          + s.path("drone-tokens-file") + " is not set");
    }
    int snapshotEvery = s.intAtLeast("snapshot-every", 1);
    return new ServiceSettings(pid, snapshotEvery, tick, ask, action, tokens, probes(ConfigReader.at(root, "warden.build.healing")));
  }

  private static List<DroneProbe> probes(ConfigReader h) {
    List<? extends ConfigObject> list;
    try {
      list = h.config().getObjectList("probes");
    } catch (ConfigException e) {
      throw h.bad("probes", "must be a list of objects { name, type = command|tcp|http, ... }", e);
    }
    List<DroneProbe> probes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigReader p = ConfigReader.of(list.get(i).toConfig(), h.path("probes") + "." + i);
      String name = p.nonEmptyString("name");
      if (!names.add(name)) {
        throw p.bad("name", "must be unique among the probes, but [" + name + "] is there twice", null);
      }
      String type = p.nonEmptyString("type");
      switch (type) {
        case "command" -> {
          List<String> argv;
          try {
            argv = p.config().getStringList("command");
          } catch (ConfigException e) {
            throw p.bad("command", "must be a non-empty list of strings (the probe's argv)", e);
          }
          if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw p.bad("command", "must start with the program to run", null);
          }
          probes.add(Probes.command(name, argv));
        }
        case "tcp" -> {
          String target = p.nonEmptyString("target");
          int colon = target.lastIndexOf(':');
          int port;
          try {
            port = Integer.parseInt(target.substring(colon + 1));
          } catch (RuntimeException e) {
            throw p.bad("target", "must be host:port ({drone} is replaced by the drone's id), but was " + target, e);
          }
          if (colon < 1 || port < 1 || port > 65535) {
            throw p.bad("target", "must be host:port with a port in 1..65535, but was " + target, null);
          }
          probes.add(Probes.tcp(name, target.substring(0, colon), port));
        }
        case "http" -> {
          String url = p.nonEmptyString("url");
          try {
            URI u = URI.create(url.replace("{drone}", "drone"));
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
              throw new IllegalArgumentException("scheme");
            }
          } catch (IllegalArgumentException e) {
            throw p.bad("url", "must be an http(s) URL ({drone} is replaced by the drone's id), but was " + url, e);
          }
          probes.add(Probes.http(name, url));
        }
        default -> throw p.bad("type", "must be command, tcp or http, but was " + type, null);
      }
    }
    return List.copyOf(probes);
  }
}
