package dev.warden.core.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code warden.cluster.*}, read once: whether the node joins a Pekko Cluster, and the Pekko
 * settings that follow from it ({@link #pekkoLayer()}). Off by default: a node is then exactly
 * the single-JVM runtime it always was (no remoting, no extra thread).
 *
 * <p>Doors: Artery (and the management HTTP server) beyond loopback is refused unless the
 * transport is TLS ({@code pekko.remote.artery.transport = tls-tcp}, with its key stores) or the
 * operator declares the network trusted ({@code warden.cluster.trusted-network = on}): a cluster
 * member accepts any message from any peer that can reach its port.
 */
public record ClusterSettings(
    boolean enabled,
    String name,
    String hostname,
    int port,
    String bindHostname,
    List<String> seedNodes,
    Duration stableAfter,
    int minNrOfMembers,
    boolean trustedNetwork,
    String managementHostname,
    int managementPort) {
  private static final String KIND_ROLE_PREFIX = "warden-kind-";

  public static ClusterSettings create(Config root) {
    ConfigReader c = ConfigReader.at(root, "warden.cluster");
    boolean enabled = c.bool("enabled");
    String name = c.nonEmptyString("name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
      throw c.bad("name", "must contain only letters, digits, '-' and '_'", null);
    }
    String hostname = c.nonEmptyString("hostname");
    int port = c.port("port");
    String bind = c.string("bind-hostname").trim();
    List<String> seeds = new ArrayList<>();
    try {
      for (String s : root.getStringList("warden.cluster.seed-nodes")) {
        seeds.add(address(c, name, s.trim()));
      }
    } catch (ConfigException.WrongType e) {
      throw c.bad("seed-nodes", "must be a list of \"host:port\" strings", e);
    }
    Duration stableAfter = c.positiveDuration("stable-after");
    int min = c.intAtLeast("min-nr-of-members", 1);
    boolean trusted = c.bool("trusted-network");
    String mHost = c.nonEmptyString("management.hostname");
    int mPort = c.port("management.port");
    ClusterSettings s = new ClusterSettings(enabled, name, hostname, port, bind, List.copyOf(seeds), stableAfter, min, trusted, mHost, mPort);
    if (enabled) {
      boolean tls = root.hasPath("pekko.remote.artery.transport") && "tls-tcp".equals(root.getString("pekko.remote.artery.transport"));
      checkDoor(c, "hostname", hostname, tls || trusted);
      if (!bind.isEmpty()) {
        checkDoor(c, "bind-hostname", bind, tls || trusted);
      }
      checkDoor(c, "management.hostname", mHost, trusted);
    }
    return s;
  }

  /** {@code host:port} (or a full {@code pekko://name@host:port}) as a Pekko address of this cluster. */
  private static String address(ConfigReader c, String name, String seed) {
    if (seed.startsWith("pekko://")) {
      if (!seed.startsWith("pekko://" + name + "@")) {
        throw c.bad("seed-nodes", "must name the cluster's system (pekko://" + name + "@host:port) or be host:port", null);
      }
      return seed;
    }
    int colon = seed.lastIndexOf(':');
    if (colon <= 0 || colon == seed.length() - 1 || !seed.substring(colon + 1).matches("\\d{1,5}")) {
      throw c.bad("seed-nodes", "must be a list of \"host:port\" strings (\"" + seed + "\" is not)", null);
    }
    return "pekko://" + name + "@" + seed;
  }

  private static void checkDoor(ConfigReader c, String key, String host, boolean locked) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw c.bad(key, "must be an address or a resolvable host name", e);
    }
    if (!address.isLoopbackAddress() && !locked) {
      throw new WardenConfigException(c.path(key), c.path(key) + " = " + host + " is not a loopback address: "
          + (key.startsWith("management")
              ? "Pekko Management has no authentication, so beyond loopback it needs"
              : "a cluster node beyond loopback accepts messages from anyone who reaches its port, so it needs TLS"
                  + " (pekko.remote.artery.transport = tls-tcp with its key stores) or")
          + " warden.cluster.trusted-network = on (a private network only members can reach)");
    }
  }

  /**
   * The Pekko settings cluster mode implies, to be layered between the user's configuration and
   * Warden's defaults (so an explicit {@code pekko.*} key still wins). Empty when off.
   */
  public Config pekkoLayer() {
    if (!enabled) {
      return ConfigFactory.empty();
    }
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.actor.provider", "cluster");
    m.put("pekko.remote.artery.canonical.hostname", hostname);
    m.put("pekko.remote.artery.canonical.port", port);
    if (!bindHostname.isEmpty()) {
      m.put("pekko.remote.artery.bind.hostname", bindHostname);
    }
    m.put("pekko.cluster.seed-nodes", seedNodes);
    m.put("pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    m.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-majority");
    m.put("pekko.cluster.split-brain-resolver.stable-after", stableAfter.toMillis() + "ms");
    m.put("pekko.cluster.min-nr-of-members", minNrOfMembers);
    m.put("pekko.management.http.hostname", managementHostname);
    m.put("pekko.management.http.bind-hostname", managementHostname);
    m.put("pekko.management.http.port", managementPort);
    m.put("pekko.management.http.bind-port", managementPort);
    return ConfigFactory.parseMap(m, "warden.cluster (cluster mode)");
  }

  /**
   * The cluster role a member running worker kind {@code kind} carries ({@code warden-kind-<kind>}; a node
   * started by {@link dev.warden.core.Warden#start} has one per kind, beside any roles of its own
   * configuration): so a cluster-wide service of one kind can tell the members that run it from those that
   * do not. A member with no such role at all (a host's own ActorSystem, {@code Warden.attach}) may run any.
   */
  public static String kindRole(String kind) {
    return KIND_ROLE_PREFIX + kind;
  }

  /**
   * Whether a member with cluster roles {@code roles} may run worker kind {@code kind}: it carries the kind's
   * {@link #kindRole}, or no kind role at all (its roles do not say which kinds it runs).
   */
  public static boolean mayRun(Set<String> roles, String kind) {
    return roles.contains(kindRole(kind)) || roles.stream().noneMatch(r -> r.startsWith(KIND_ROLE_PREFIX));
  }

  /** Pekko address of this node as the cluster knows it. */
  public String selfAddress() {
    return "pekko://" + name + "@" + hostname + ":" + port;
  }
}
