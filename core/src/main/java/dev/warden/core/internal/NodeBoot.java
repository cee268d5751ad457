package dev.warden.core.internal;

import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.KindMetrics;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.core.WardenSettings;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpSettings;
import dev.warden.core.http.internal.HttpServer;
import dev.warden.core.http.internal.KindHandle;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxConnectorSettings;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.metrics.KindMeters;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.tree.SupervisorTree;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's start once its configuration is checked ({@link NodeConfig}): the kinds spawned under the
 * {@link Guardian}, their MBeans and meters bound, then the doors opened (JMX connector, HTTP server).
 * A door that cannot open takes back what was registered before it.
 */
public final class NodeBoot {
  /** Logs as the facade always has: the node's "up" line is {@link Warden}'s. */
  private static final Logger log = LoggerFactory.getLogger(Warden.class);

  private NodeBoot() {}

  /**
   * What {@link #startKinds} started: the JMX node key, the registry, each kind's stable supervisor
   * ref and metrics by name, and the JMX connector when it runs.
   */
  public record Parts(
      String node,
      JmxRegistry jmx,
      Map<String, ActorRef<Object>> kinds,
      Map<String, KindMetrics> metrics,
      Optional<JmxConnector> connector) {}

  /** Prepares and spawns every kind, registers the node's MBeans and meters, and starts the JMX connector. */
  public static Parts startKinds(
      ActorSystem<?> system,
      ActorRef<Guardian.Command> guardian,
      WardenSettings settings,
      SupervisorTree tree,
      List<WorkerKind<?>> kinds) {
    for (WorkerKind<?> kind : kinds) {
      kind.prepare(system);
    }
    String node = settings.nodeName();
    // A second node of the same name in this JVM gets a suffix for its MBeans. With JMX off there
    // are none, and the platform MBean server is not brought up for nothing (~50 ms at a cold start).
    for (int i = 2; settings.jmxEnabled() && JmxRegistry.nodeInUse(node); i++) {
      node = settings.nodeName() + "-" + i;
    }
    JmxRegistry jmx = new JmxRegistry(node, settings.jmxEnabled());
    Map<String, KindMetrics> metrics = new HashMap<>();
    Map<String, ActorRef<Object>> refs = spawn(system, guardian, settings, tree, kinds, jmx, metrics);
    awaitStarted(system, refs);
    registerKinds(system, tree, kinds, jmx, metrics, refs);
    return new Parts(node, jmx, refs, metrics, startConnector(settings, jmx));
  }

  private static Map<String, ActorRef<Object>> spawn(
      ActorSystem<?> system,
      ActorRef<Guardian.Command> guardian,
      WardenSettings settings,
      SupervisorTree tree,
      List<WorkerKind<?>> kinds,
      JmxRegistry jmx,
      Map<String, KindMetrics> metrics) {
    Config config = system.settings().config();
    return await(
        AskPattern.ask(
            guardian,
            reply ->
                new Guardian.StartKinds(
                    kinds,
                    k -> {
                      KindMetrics m = metrics.computeIfAbsent(k.name(), n -> new KindMetrics());
                      return new KindContext(k.name(), path(k), config, settings, tree, m, jmx);
                    },
                    reply),
            Duration.ofSeconds(30),
            system.scheduler()),
        Duration.ofSeconds(31));
  }

  /**
   * Waits until every kind's root behavior has started, i.e. its setup ran: a kind wires its facade
   * (a host's {@code Builds.of(warden)}, say) and registers its MBeans there, and a host calls it
   * right after {@link Warden#start} returns. A supervisor spawns its child when it starts itself,
   * after the guardian answered; the child runs its setup before any message, so a classic
   * {@code Identify} it answers proves the setup ran (or failed: then the kind's supervision
   * restarts it and it is not waited for).
   */
  private static void awaitStarted(ActorSystem<?> system, Map<String, ActorRef<Object>> supervisors) {
    Duration timeout = Duration.ofSeconds(30);
    for (ActorRef<Object> supervisor : supervisors.values()) {
      Optional<ActorRef<Void>> child =
          await(AskPattern.ask(supervisor, Supervisor.GetChild::new, timeout, system.scheduler()), timeout);
      child.ifPresent(c -> await(Patterns.ask(Adapter.toClassic(c), new Identify(c.path().name()), timeout), timeout));
    }
  }

  private static void registerKinds(
      ActorSystem<?> system,
      SupervisorTree tree,
      List<WorkerKind<?>> kinds,
      JmxRegistry jmx,
      Map<String, KindMetrics> metrics,
      Map<String, ActorRef<Object>> refs) {
    jmx.register(jmx.name("Tree", null), tree.mxBean());
    for (WorkerKind<?> k : kinds) {
      jmx.register(
          jmx.name("Kind", k.name()),
          Supervisor.mxBean(k.name(), path(k), tree, metrics.get(k.name()), refs.get(k.name()), k.operations(), pausable(k)));
    }
    NodeMeters meters = NodeMeters.get(system);
    for (WorkerKind<?> k : kinds) {
      meters.bind("kind:" + k.name(), KindMeters.of(k.name(), path(k), tree, metrics.get(k.name())));
    }
  }

  private static Optional<JmxConnector> startConnector(WardenSettings settings, JmxRegistry jmx) {
    JmxConnectorSettings cs = settings.jmxConnector();
    if (!cs.enabled()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JmxConnector.start(cs, settings.dataDir()));
    } catch (WardenConfigException e) {
      jmx.unregisterAll();
      throw e;
    } catch (IOException e) {
      jmx.unregisterAll();
      throw new WardenConfigException(
          "warden.jmx.connector.port",
          "cannot start the JMX connector on " + cs.host() + ":" + cs.port() + ": " + e.getMessage(),
          e);
    }
  }

  /** Starts the HTTP server when {@code warden.http.enabled}; on failure closes the JMX doors {@code parts} opened. */
  public static Optional<HttpServer> startHttp(Parts parts, Warden warden, List<WorkerKind<?>> kinds) {
    HttpSettings hs = HttpSettings.create(warden.config());
    if (!hs.enabled()) {
      return Optional.empty();
    }
    List<KindHandle> handles = new ArrayList<>();
    for (WorkerKind<?> k : kinds) {
      handles.add(new KindHandle(k.name(), path(k), parts.metrics().get(k.name()), parts.kinds().get(k.name()),
          k.operations(), pausable(k)));
    }
    try {
      return Optional.of(HttpServer.start(hs, warden, handles, kinds));
    } catch (RuntimeException e) {
      parts.connector().ifPresent(JmxConnector::close);
      parts.jmx().unregisterAll();
      throw e;
    }
  }

  /** The one line that says the node is up, what runs and where its doors are. */
  public static void logUp(Parts parts, Warden warden, Optional<HttpServer> http) {
    log.info(
        "warden node [{}] up: {} kind(s) {}, data-dir [{}]{}{}",
        parts.node(),
        parts.kinds().size(),
        parts.kinds().keySet(),
        warden.settings().dataDir(),
        parts.connector().map(c -> ", JMX at " + c.url()).orElse(""),
        http.map(h -> ", HTTP API at " + h.url() + "/api/v1" + (h.tokenRequired() ? " (bearer token required)" : ""))
            .orElse(""));
  }

  private static String path(WorkerKind<?> k) {
    return Guardian.ROOT + "/" + k.name();
  }

  private static boolean pausable(WorkerKind<?> k) {
    return k.pauseMessage().isPresent() && k.resumeMessage().isPresent();
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Warden", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Warden did not start: " + e.getMessage(), e);
    }
  }
}
