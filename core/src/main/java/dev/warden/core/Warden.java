package dev.warden.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.cluster.ClusterSettings;
import dev.warden.core.http.HttpSettings;
import dev.warden.core.http.internal.HttpServer;
import dev.warden.core.http.internal.KindHandle;
import dev.warden.core.internal.Guardian;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxConnectorSettings;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.metrics.KindMeters;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.core.tree.SupervisorTree;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Warden node, embedded in a host JVM.
 *
 * <pre>{@code
 * try (Warden warden = Warden.start(ConfigFactory.parseString("warden.node-name = billing"), myKind)) {
 *   ActorRef<MyKind.Command> ref = warden.kind("my-kind");
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #start} creates Warden's own ActorSystem; {@link #attach} runs Warden inside an
 * ActorSystem the host already has. {@link #close} stops every kind (writers first, then
 * infrastructure such as the checkpointer) through CoordinatedShutdown; it is idempotent.
 */
public final class Warden implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Warden.class);
  private static final AtomicInteger attached = new AtomicInteger();

  private enum CloseReason implements CoordinatedShutdown.Reason {
    WARDEN_CLOSE
  }

  private final ActorSystem<?> system;
  private final boolean ownsSystem;
  private final ActorRef<Guardian.Command> guardian;
  private final WardenSettings settings;
  private final Config config;
  private final SupervisorTree tree;
  private final JmxRegistry jmx;
  private final Map<String, ActorRef<Object>> kinds;
  private final List<WorkerKind<?>> workerKinds;
  private final Optional<JmxConnector> connector;
  /** The HTTP server when warden.http.enabled; set once in boot, after the kinds started. */
  private volatile HttpServer http;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();

  private Warden(
      ActorSystem<?> system,
      boolean ownsSystem,
      ActorRef<Guardian.Command> guardian,
      WardenSettings settings,
      SupervisorTree tree,
      JmxRegistry jmx,
      Map<String, ActorRef<Object>> kinds,
      List<WorkerKind<?>> workerKinds,
      Optional<JmxConnector> connector) {
    this.system = system;
    this.ownsSystem = ownsSystem;
    this.guardian = guardian;
    this.settings = settings;
    this.config = system.settings().config();
    this.tree = tree;
    this.jmx = jmx;
    this.kinds = kinds;
    this.workerKinds = workerKinds;
    this.connector = connector;
  }

  /**
   * Layers {@code overrides} over Warden's defaults and every module's {@code reference.conf},
   * with JVM system properties on top, and resolves once. Pass an unresolved config
   * ({@code ConfigFactory.parseString}, {@code parseFile}, or {@code empty()}).
   */
  public static Config loadConfig(Config overrides) {
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
   * Starts a node with its own ActorSystem named {@code warden.node-name} (in cluster mode
   * {@code warden.cluster.name}: every member's system must have the same name).
   */
  public static Warden start(Config overrides, WorkerKind<?>... kinds) {
    return start(overrides, List.of(kinds));
  }

  public static Warden start(Config overrides, List<WorkerKind<?>> kinds) {
    Config config = loadConfig(overrides);
    WardenSettings settings = WardenSettings.create(config);
    checkKinds(kinds);
    validate(config, settings, kinds);
    SupervisorTree tree = new SupervisorTree();
    ActorSystem<Guardian.Command> system =
        ActorSystem.create(Guardian.create(settings, tree), systemName(config, settings), config);
    try {
      return boot(system, true, system, settings, tree, kinds);
    } catch (RuntimeException e) {
      system.terminate();
      awaitQuietly(system.getWhenTerminated(), Duration.ofSeconds(30));
      throw e;
    }
  }

  private static String systemName(Config config, WardenSettings settings) {
    ClusterSettings cluster = ClusterSettings.create(config);
    return cluster.enabled() ? cluster.name() : settings.nodeName();
  }

  /**
   * Runs Warden inside a host's ActorSystem (its config must carry Warden's keys: build it with
   * {@link #loadConfig}). {@link #close} stops Warden's actors only, never the host's system.
   */
  public static Warden attach(ActorSystem<?> system, List<WorkerKind<?>> kinds) {
    WardenSettings settings = WardenSettings.create(system.settings().config());
    checkKinds(kinds);
    validate(system.settings().config(), settings, kinds);
    SupervisorTree tree = new SupervisorTree();
    ActorRef<Guardian.Command> guardian =
        system.systemActorOf(
            Guardian.create(settings, tree), "warden-" + attached.incrementAndGet(), Props.empty());
    return boot(system, false, guardian, settings, tree, kinds);
  }

  private static Warden boot(
      ActorSystem<?> system,
      boolean owns,
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
    Map<String, KindMetrics> metrics = new java.util.HashMap<>();
    Config config = system.settings().config();
    Map<String, ActorRef<Object>> refs =
        await(
            AskPattern.ask(
                guardian,
                reply ->
                    new Guardian.StartKinds(
                        kinds,
                        k -> {
                          KindMetrics m = metrics.computeIfAbsent(k.name(), n -> new KindMetrics());
                          return new KindContext(
                              k.name(), Guardian.ROOT + "/" + k.name(), config, settings, tree, m, jmx);
                        },
                        reply),
                Duration.ofSeconds(30),
                system.scheduler()),
            Duration.ofSeconds(31));
    jmx.register(jmx.name("Tree", null), tree.mxBean());
    for (WorkerKind<?> k : kinds) {
      boolean pausable = k.pauseMessage().isPresent() && k.resumeMessage().isPresent();
      jmx.register(
          jmx.name("Kind", k.name()),
          Supervisor.mxBean(
              k.name(), Guardian.ROOT + "/" + k.name(), tree, metrics.get(k.name()), refs.get(k.name()),
              k.operations(), pausable));
    }
    NodeMeters meters = NodeMeters.get(system);
    for (WorkerKind<?> k : kinds) {
      meters.bind("kind:" + k.name(), KindMeters.of(k.name(), Guardian.ROOT + "/" + k.name(), tree, metrics.get(k.name())));
    }
    Optional<JmxConnector> connector = Optional.empty();
    JmxConnectorSettings cs = settings.jmxConnector();
    if (cs.enabled()) {
      try {
        connector = Optional.of(JmxConnector.start(cs, settings.dataDir()));
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
    Warden warden = new Warden(system, owns, guardian, settings, tree, jmx, refs, List.copyOf(kinds), connector);
    HttpSettings hs = HttpSettings.create(config);
    if (hs.enabled()) {
      List<KindHandle> handles = new ArrayList<>();
      for (WorkerKind<?> k : kinds) {
        handles.add(new KindHandle(k.name(), Guardian.ROOT + "/" + k.name(), metrics.get(k.name()), refs.get(k.name()),
            k.operations(), k.pauseMessage().isPresent() && k.resumeMessage().isPresent()));
      }
      try {
        warden.http = HttpServer.start(hs, warden, handles, kinds);
      } catch (RuntimeException e) {
        connector.ifPresent(JmxConnector::close);
        jmx.unregisterAll();
        throw e;
      }
    }
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "warden-stop-kinds-" + node, warden::stopKinds);
    log.info(
        "warden node [{}] up: {} kind(s) {}, data-dir [{}]{}{}",
        node,
        kinds.size(),
        refs.keySet(),
        settings.dataDir(),
        connector.map(c -> ", JMX at " + c.url()).orElse(""),
        warden.httpUrl().map(u -> ", HTTP API at " + u + "/api/v1" + (warden.http.tokenRequired() ? " (bearer token required)" : ""))
            .orElse(""));
    return warden;
  }

  /**
   * Everything that can be checked before a file is written: every kind's settings, unknown keys
   * ({@code warden.config.strict}); then the data directory is created (owner-only) or checked.
   */
  private static void validate(Config config, WardenSettings settings, List<WorkerKind<?>> kinds) {
    for (WorkerKind<?> kind : kinds) {
      kind.validate(config);
    }
    UnknownKeys.check(config);
    HttpSettings.create(config);
    DataFiles.create(config).directory(settings.dataDir(), "warden.data-dir");
  }

  private static void checkKinds(List<WorkerKind<?>> kinds) {
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

  /** Stops every kind group by group; runs once however often it is called. */
  private CompletionStage<Done> stopKinds() {
    if (closing.compareAndSet(false, true)) {
      Duration total = settings.kindStopTimeout().multipliedBy(4).plusSeconds(5);
      // The HTTP server goes first: no request reaches a kind that is stopping.
      CompletionStage<Done> unbound = http == null ? CompletableFuture.completedFuture(Done.getInstance()) : http.stop();
      unbound
          .thenCompose(u -> Asks.<Guardian.Command, Done>ask(
              system, guardian, reply -> new Guardian.StopKinds(!ownsSystem, reply), total))
          .whenComplete(
              (done, err) -> {
                if (err != null) {
                  log.warn("warden node [{}] kinds did not all stop in time: {}", jmx.node(), err.toString());
                }
                connector.ifPresent(JmxConnector::close);
                jmx.unregisterAll();
                NodeMeters.get(system).unbindAll();
                log.info("warden node [{}] stopped", jmx.node());
                stopped.complete(Done.getInstance());
              });
    }
    return stopped;
  }

  /**
   * Stops the node: kinds in shutdown order, then (when Warden owns it) the ActorSystem through
   * CoordinatedShutdown. Blocks until done. Safe to call more than once.
   */
  @Override
  public void close() {
    if (ownsSystem) {
      CoordinatedShutdown.get(system).run(CloseReason.WARDEN_CLOSE);
      awaitQuietly(system.getWhenTerminated(), Duration.ofMinutes(2));
    } else {
      awaitQuietly(stopKinds(), Duration.ofMinutes(2));
    }
  }

  /** Completes when every kind has stopped. */
  public CompletionStage<Done> whenStopped() {
    return stopped;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public WardenSettings settings() {
    return settings;
  }

  public Config config() {
    return config;
  }

  public SupervisorTree tree() {
    return tree;
  }

  /** The JMX node key ({@code dev.warden:node=...}); usually {@code warden.node-name}. */
  public String jmxNode() {
    return jmx.node();
  }

  /** The JMX service URL when the connector server runs. */
  public Optional<String> jmxServiceUrl() {
    return connector.map(JmxConnector::url);
  }

  /** The JMX connector's password file when it runs (a path to show; never its content). */
  public Optional<Path> jmxPasswordFile() {
    return connector.map(JmxConnector::passwordFile);
  }

  /** The address of the node's HTTP server when it runs ({@code warden.http.enabled}); the bound port when configured 0. */
  public Optional<InetSocketAddress> httpAddress() {
    return Optional.ofNullable(http).map(HttpServer::address);
  }

  /** {@code http://host:port} of the node's HTTP server when it runs (the API is under {@code /api/v1}). */
  public Optional<String> httpUrl() {
    return Optional.ofNullable(http).map(HttpServer::url);
  }

  /** Stable ref to a kind's supervisor: messages reach the kind's current root. */
  public <T> ActorRef<T> kind(String name) {
    ActorRef<Object> ref = kinds.get(name);
    if (ref == null) {
      throw new IllegalArgumentException("no kind [" + name + "]; running: " + kinds.keySet());
    }
    return ref.narrow();
  }

  /**
   * The kind of class {@code type} this node was started with, for facades that keep state in
   * their kind ({@code Graveyard.of(warden)}); empty when the node runs no such kind.
   */
  public <K extends WorkerKind<?>> Optional<K> workerKind(Class<K> type) {
    return workerKinds.stream().filter(type::isInstance).map(type::cast).findFirst();
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

  private static void awaitQuietly(CompletionStage<?> stage, Duration timeout) {
    try {
      stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("warden: shutdown did not complete cleanly: {}", e.toString());
    }
  }
}
