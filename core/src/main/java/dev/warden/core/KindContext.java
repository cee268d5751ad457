package dev.warden.core;

import com.typesafe.config.Config;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.supervision.ChildSpec;
import dev.warden.core.supervision.SupervisionSettings;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.tree.SupervisorTree;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/** What the runtime hands a kind's root behavior. Immutable; safe to keep. */
public final class KindContext {
  private final String kind;
  private final String path;
  private final Config config;
  private final WardenSettings settings;
  private final SupervisorTree tree;
  private final KindMetrics metrics;
  private final JmxRegistry jmx;

  public KindContext(
      String kind,
      String path,
      Config config,
      WardenSettings settings,
      SupervisorTree tree,
      KindMetrics metrics,
      JmxRegistry jmx) {
    this.kind = kind;
    this.path = path;
    this.config = config;
    this.settings = settings;
    this.tree = tree;
    this.metrics = metrics;
    this.jmx = jmx;
  }

  public String kind() {
    return kind;
  }

  /** This kind's node in the tree, e.g. {@code /warden/llm}. */
  public String path() {
    return path;
  }

  /** The resolved configuration of the whole node. */
  public Config config() {
    return config;
  }

  public WardenSettings settings() {
    return settings;
  }

  public Path dataDir() {
    return settings.dataDir();
  }

  public SupervisorTree tree() {
    return tree;
  }

  public KindMetrics metrics() {
    return metrics;
  }

  /** Registers extra MBeans under {@code dev.warden:node=<node>}; unregistered at close. */
  public JmxRegistry jmx() {
    return jmx;
  }

  public SupervisionSettings supervision() {
    return settings.supervisionFor(kind);
  }

  /**
   * Spawns {@code child} under its own {@link Supervisor} at {@code <kind path>/<name>} with this
   * kind's restart intensity: a crash of that child restarts only it. The returned ref is stable
   * across the child's restarts. The child's log lines carry this kind's name as MDC
   * {@link WardenMdc#KIND}.
   */
  public <C> ActorRef<C> supervise(ActorContext<?> ctx, String name, Supplier<Behavior<C>> child) {
    return supervise(ctx, name, child, supervision());
  }

  public <C> ActorRef<C> supervise(
      ActorContext<?> ctx, String name, Supplier<Behavior<C>> child, SupervisionSettings s) {
    return spawn(ctx, name, ChildSpec.of(path + "/" + name, kind, child, s).removedOnStop());
  }

  /**
   * Like {@link #supervise(ActorContext, String, Supplier)}, but crashes that {@code outage} accepts
   * (the child's database went away) are restarted with backoff without counting towards
   * max-restarts ({@link ChildSpec#outage}): the child comes back once its database does.
   */
  public <C> ActorRef<C> superviseThroughOutages(
      ActorContext<?> ctx, String name, Supplier<Behavior<C>> child, Predicate<Throwable> outage) {
    return spawn(ctx, name, ChildSpec.of(path + "/" + name, kind, child, supervision()).removedOnStop().withOutage(outage));
  }

  private <C> ActorRef<C> spawn(ActorContext<?> ctx, String name, ChildSpec<C> spec) {
    ActorRef<Object> ref = ctx.spawn(Supervisor.create(spec, tree), name);
    return ref.narrow();
  }
}
