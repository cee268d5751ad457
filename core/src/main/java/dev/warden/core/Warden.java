package dev.warden.core;

import com.typesafe.config.Config;
import dev.warden.core.http.internal.HttpServer;
import dev.warden.core.internal.Guardian;
import dev.warden.core.internal.NodeBoot;
import dev.warden.core.internal.NodeConfig;
import dev.warden.core.internal.NodeShutdown;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.tree.SupervisorTree;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

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
  private static final AtomicInteger attached = new AtomicInteger();

  private final ActorSystem<?> system;
  private final WardenSettings settings;
  private final Config config;
  private final SupervisorTree tree;
  private final JmxRegistry jmx;
  private final Map<String, ActorRef<Object>> kinds;
  private final List<WorkerKind<?>> workerKinds;
  private final Optional<JmxConnector> connector;
  private final NodeShutdown shutdown;
  /** The HTTP server when warden.http.enabled; set once in boot, after the kinds started. */
  private volatile HttpServer http;

  private Warden(
      ActorSystem<?> system,
      boolean ownsSystem,
      ActorRef<Guardian.Command> guardian,
      WardenSettings settings,
      SupervisorTree tree,
      NodeBoot.Parts parts,
      List<WorkerKind<?>> workerKinds) {
    this.system = system;
    this.settings = settings;
    this.config = system.settings().config();
    this.tree = tree;
    this.jmx = parts.jmx();
    this.kinds = parts.kinds();
    this.workerKinds = workerKinds;
    this.connector = parts.connector();
    this.shutdown = new NodeShutdown(system, ownsSystem, guardian, settings, parts.jmx(), parts.connector());
  }

  /**
   * Layers {@code overrides} over Warden's defaults and every module's {@code reference.conf},
   * with JVM system properties on top, and resolves once. Pass an unresolved config
   * ({@code ConfigFactory.parseString}, {@code parseFile}, or {@code empty()}).
   */
  public static Config loadConfig(Config overrides) {
    return NodeConfig.load(overrides);
  }

  /**
   * Starts a node with its own ActorSystem named {@code warden.node-name} (in cluster mode
   * {@code warden.cluster.name}: every member's system must have the same name).
   * Returns once every kind's root behavior has started (its setup ran), so a kind's facade is
   * usable at once; what a kind recovers afterwards (a journal replay) it answers when ready.
   */
  public static Warden start(Config overrides, WorkerKind<?>... kinds) {
    return start(overrides, List.of(kinds));
  }

  public static Warden start(Config overrides, List<WorkerKind<?>> kinds) {
    Config config = NodeConfig.withKindRoles(loadConfig(overrides), kinds.stream().map(WorkerKind::name).toList());
    WardenSettings settings = WardenSettings.create(config);
    NodeConfig.check(config, settings, kinds);
    SupervisorTree tree = new SupervisorTree();
    ActorSystem<Guardian.Command> system =
        ActorSystem.create(Guardian.create(settings, tree), NodeConfig.systemName(config, settings), config);
    try {
      return boot(system, true, system, settings, tree, kinds);
    } catch (RuntimeException e) {
      system.terminate();
      NodeShutdown.awaitQuietly(system.getWhenTerminated(), Duration.ofSeconds(30));
      throw e;
    }
  }

  /**
   * Runs Warden inside a host's ActorSystem (its config must carry Warden's keys: build it with
   * {@link #loadConfig}). {@link #close} stops Warden's actors only, never the host's system.
   */
  public static Warden attach(ActorSystem<?> system, List<WorkerKind<?>> kinds) {
    WardenSettings settings = WardenSettings.create(system.settings().config());
    NodeConfig.check(system.settings().config(), settings, kinds);
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
    NodeBoot.Parts parts = NodeBoot.startKinds(system, guardian, settings, tree, kinds);
    Warden warden = new Warden(system, owns, guardian, settings, tree, parts, List.copyOf(kinds));
    Optional<HttpServer> http = NodeBoot.startHttp(parts, warden, kinds);
    warden.http = http.orElse(null);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "warden-stop-kinds-" + parts.node(), warden::stopKinds);
    NodeBoot.logUp(parts, warden, http);
    return warden;
  }

  /** Stops every kind group by group; runs once however often it is called. */
  private CompletionStage<Done> stopKinds() {
    return shutdown.stopKinds(http);
  }

  /**
   * Stops the node: kinds in shutdown order, then (when Warden owns it) the ActorSystem through
   * CoordinatedShutdown. Blocks until done. Safe to call more than once.
   */
  @Override
  public void close() {
    shutdown.close(http);
  }

  /** Completes when every kind has stopped. */
  public CompletionStage<Done> whenStopped() {
    return shutdown.whenStopped();
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

  /** The file the HTTP bearer token is read from (configured, or generated in the data directory): a path to show, never its content. */
  public Optional<Path> httpTokenFile() {
    return Optional.ofNullable(http).flatMap(HttpServer::tokenFile);
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
}
