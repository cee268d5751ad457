package dev.warden.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.warden.core.Warden;
import dev.warden.core.cluster.ClusterSettings;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code warden run}: a long-lived node; SIGTERM or Ctrl-C stops it cleanly via CoordinatedShutdown. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a Warden node until SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
  @Mixin NodeOptions node;

  @Option(names = "--cluster", description = "join a Pekko Cluster (warden.cluster.enabled = on; seeds, ports and the shared journal from the config)")
  boolean cluster;

  @Override
  public Integer call() {
    Config overrides = cluster
        ? node.overridesOver(ConfigFactory.parseString("warden.cluster.enabled = on", ConfigParseOptions.defaults().setOriginDescription("--cluster")))
        : node.overrides();
    boolean clustered = ClusterSettings.create(Warden.loadConfig(overrides)).enabled();
    Warden warden = Warden.start(overrides, clustered ? NodeKinds.clustered() : NodeKinds.standard());
    NodeKinds.registerJobTypes(warden);
    StopSignals.install(warden); // a clean stop on SIGTERM exits 0, not 143
    System.out.println(
        "warden node [" + warden.jmxNode() + "] running, data-dir " + warden.settings().dataDir().toAbsolutePath().normalize()
            + warden.jmxServiceUrl().map(u -> ", JMX " + u).orElse("")
            + warden.jmxPasswordFile().map(f -> " (credentials in " + f + ")").orElse("")
            + " (stop with Ctrl-C or SIGTERM)");
    if (clustered) {
      ClusterSettings cs = ClusterSettings.create(warden.system().settings().config());
      System.out.println("warden node [" + warden.jmxNode() + "] cluster member " + cs.selfAddress() + ", seeds " + cs.seedNodes()
          + ", management http://" + cs.managementHostname() + ":" + cs.managementPort() + " (/ready, /cluster/members)");
    }
    warden.httpUrl().ifPresent(u -> System.out.println("warden node [" + warden.jmxNode() + "] HTTP API at " + u
        + "/api/v1 (OpenAPI: " + u + "/api/v1/openapi.json, health: " + u + "/ready)"
        + warden.httpTokenFile().map(f -> ", bearer token in " + f).orElse("")));
    System.out.flush();
    warden.system().getWhenTerminated().toCompletableFuture().join();
    // A member downed by the split-brain resolver (or removed by the others) stops itself: exit 1 so that
    // a supervisor (systemd Restart=on-failure) starts it again as a new member.
    Optional<CoordinatedShutdown.Reason> why = CoordinatedShutdown.get(warden.system()).getShutdownReason();
    if (why.isPresent() && (why.get().equals(CoordinatedShutdown.clusterDowningReason())
        || why.get().equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason()))) {
      System.out.println("warden node [" + warden.jmxNode() + "] left the cluster unasked (" + why.get() + "); exit 1");
      return 1;
    }
    return 0;
  }
}
