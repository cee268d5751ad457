package dev.warden.persistence.ledger.internal;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.cluster.ClusterSettings;
import dev.warden.core.cluster.Singletons;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Cluster mode ({@code warden.cluster.enabled}): the ledger's fixed set of partitions runs as a
 * {@link ShardedDaemonProcess} named {@value #NAME}, one entity per partition, each still the only
 * writer of its jobs, wherever sharding places it. A partition started on a node is wired to that
 * node's ledger root (recovery line, stats, permits) and its job handlers; siblings reach it
 * through sharding. Sharding hands a partition over with {@link LedgerPartition.HandOff} (drain,
 * then stop). One per ActorSystem.
 */
public final class ClusterPlacement {
  /** The sharded daemon process's name (its entities' type key is Pekko's {@code sharded-daemon-process-<name>}). */
  public static final String NAME = "warden-ledger";

  /** By classic system: the same node seen from Pekko Management's health checks, which get the classic one. */
  private static final Map<org.apache.pekko.actor.ActorSystem, ClusterPlacement> bySystem = new ConcurrentHashMap<>();

  /** What a partition started on this node is wired to: the current ledger root's. */
  record Host(LedgerSettings settings, LedgerStats stats, NodePermits permits, ActorRef<LedgerRoot.Command> root,
      ActorRef<LedgerPartition.Recovered> recovered, Map<String, JobType> types) {}

  private final ActorSystem<?> system;
  private final EntityTypeKey<LedgerPartition.Command> key;
  private final AtomicReference<Host> host = new AtomicReference<>();
  /** The partitions running on this node now, by number (each added when it starts, removed when it stops). */
  private final Map<Integer, ActorRef<LedgerPartition.Command>> here = new ConcurrentHashMap<>();
  /** Set by {@link #quiesce()} when this node leaves: a partition that starts here afterwards dispatches nothing. */
  private volatile boolean quiesced;

  private ClusterPlacement(ActorSystem<?> system) {
    this.system = system;
    this.key = EntityTypeKey.create(LedgerPartition.Command.class, "sharded-daemon-process-" + NAME);
  }

  /** True when {@code config} turns cluster mode on. */
  public static boolean enabled(Config config) {
    return ClusterSettings.create(config).enabled();
  }

  /**
   * How long one try of a submit or a query waits in cluster mode before the facade tries again
   * ({@code warden.ledger.cluster.try-timeout}).
   */
  public static Duration tryTimeout(Config config) {
    return ConfigReader.at(config, "warden.ledger.cluster").positiveDuration("try-timeout");
  }

  /** Starts the partitions' sharded daemon process once per system; a restarted root takes over the wiring. */
  static ClusterPlacement start(ActorSystem<?> system, Host h) {
    ClusterPlacement placement = bySystem.computeIfAbsent(system.classicSystem(), s -> {
      ClusterPlacement p = new ClusterPlacement(system);
      system.getWhenTerminated().thenRun(() -> bySystem.remove(s));
      return p;
    });
    if (placement.host.getAndSet(h) == null) {
      // on the members that run the ledger only: were the oldest member one without, sharding's coordinator would never start
      ShardedDaemonProcessSettings settings = ShardedDaemonProcessSettings.create(system);
      Optional<String> role = Singletons.kindRole(system, LedgerKind.NAME);
      if (role.isPresent()) {
        settings = settings.withRole(role.get());
      }
      ShardedDaemonProcess.get(system).init(
          LedgerPartition.Command.class,
          NAME,
          h.settings().partitions(),
          placement::partition,
          settings,
          Optional.of(LedgerPartition.HandOff.INSTANCE));
    }
    return placement;
  }

  /** The running placement of {@code system}, if cluster mode started one. */
  public static Optional<ClusterPlacement> of(org.apache.pekko.actor.ActorSystem system) {
    return Optional.ofNullable(bySystem.get(system));
  }

  /** True once every partition answered this node's last probe through sharding (the ledger's readiness in cluster mode). */
  public boolean serving() {
    Host h = host.get();
    return h != null && h.stats().serving();
  }

  /**
   * Starts Pekko Management (its /alive, /ready and cluster routes; warden.cluster.management) on
   * {@code system}. Cluster mode only; returns at once, the server binds in the background.
   */
  public static void startManagement(ActorSystem<?> system) {
    org.apache.pekko.management.javadsl.PekkoManagement.get(system.classicSystem()).start()
        .whenComplete((uri, failure) -> {
          if (failure != null) {
            system.log().error("Pekko Management did not start (warden.cluster.management): {}", failure.toString());
          } else {
            system.log().info("Pekko Management at {} (/alive, /ready, /cluster/members)", uri);
          }
        });
  }

  /**
   * This node leaves (CoordinatedShutdown runs): from now on the partitions here, and any sharding
   * places here before the hand-over, start no attempt ({@link LedgerPartition.Drain}); answers the
   * ones running here now, for the caller to drain and wait on.
   */
  Map<Integer, ActorRef<LedgerPartition.Command>> quiesce() {
    quiesced = true;
    return Map.copyOf(here);
  }

  private Behavior<LedgerPartition.Command> partition(int i) {
    return Behaviors.setup(ctx -> {
      Host h = host.get();
      LedgerPartition.Wiring w = new LedgerPartition.Wiring(
          i, h.settings(), h.stats(), h.permits(), h.root(), h.recovered(), this::tell, h.types(), true, LedgerClock.SYSTEM);
      here.put(i, ctx.getSelf());
      if (quiesced) {
        ctx.getSelf().tell(new LedgerPartition.Drain(ctx.getSystem().ignoreRef()));
      }
      // Journal failures stop a persistent actor; back off and recover again rather than leave the partition dead.
      Behavior<LedgerPartition.Command> supervised = Behaviors.supervise(LedgerPartition.create(w))
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
      return Behaviors.intercept(() -> new Forget(i), supervised);
    });
  }

  /** Removes a stopped partition from {@link #here}. */
  private final class Forget extends BehaviorInterceptor<LedgerPartition.Command, LedgerPartition.Command> {
    private final int partition;

    Forget(int partition) {
      super(LedgerPartition.Command.class);
      this.partition = partition;
    }

    @Override
    public Behavior<LedgerPartition.Command> aroundReceive(TypedActorContext<LedgerPartition.Command> ctx, LedgerPartition.Command msg,
        ReceiveTarget<LedgerPartition.Command> target) {
      return target.apply(ctx, msg);
    }

    @Override
    public Behavior<LedgerPartition.Command> aroundSignal(TypedActorContext<LedgerPartition.Command> ctx, Signal signal,
        SignalTarget<LedgerPartition.Command> target) {
      if (signal instanceof PostStop) {
        here.remove(partition, ctx.asJava().getSelf());
      }
      return target.apply(ctx, signal);
    }
  }

  /** Partition {@code p} through sharding, wherever it lives. */
  EntityRef<LedgerPartition.Command> entity(int p) {
    return ClusterSharding.get(system).entityRefFor(key, Integer.toString(p));
  }

  void tell(int p, LedgerPartition.Command message) {
    entity(p).tell(message);
  }
}
