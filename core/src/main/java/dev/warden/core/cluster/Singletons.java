package dev.warden.core.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * A coordinator that must be unique in the cluster: a Pekko {@link ClusterSingleton} in cluster
 * mode ({@code warden.cluster.enabled}); on a single node the kind runs it as its own child, as
 * before (check {@link #clustered}). Every member of the kind calls {@link #clusterWide} with its own
 * behavior; the singleton runs on the oldest member of the kind (the behavior that member passed, so it is
 * wired to that member's metrics and JMX) and the answer is a proxy that reaches it wherever it
 * is, buffering while it moves. Cluster classes are touched only in cluster mode.
 *
 * <p>Messages sent through the proxy (and their replies) cross JVMs: they must be serializable
 * ({@link dev.warden.core.WardenSerializable}), unlike the local child's.
 */
public final class Singletons {
  /** The first and longest wait before a failed singleton starts again (it recovers from a shared store). */
  private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private Singletons() {}

  /** True when {@code config} turns cluster mode on. */
  public static boolean clustered(Config config) {
    return ClusterSettings.create(config).enabled();
  }

  /**
   * Cluster mode only: runs {@code behavior} as worker kind {@code kind}'s cluster singleton {@code name}; returns
   * this member's proxy. It runs on the oldest member that runs the kind (see {@link #kindRole}): a member of
   * other kinds never starts it, so were it the oldest, the singleton would never run.
   */
  public static <M> ActorRef<M> clusterWide(ActorSystem<?> system, String kind, String name, Behavior<M> behavior) {
    Behavior<M> supervised = Behaviors.supervise(behavior)
        .onFailure(SupervisorStrategy.restartWithBackoff(MIN_BACKOFF, MAX_BACKOFF, 0.2));
    SingletonActor<M> singleton = SingletonActor.of(supervised, name);
    Optional<String> role = kindRole(system, kind);
    if (role.isPresent()) {
      singleton = singleton.withSettings(ClusterSingletonSettings.create(system).withRole(role.get()));
    }
    return ClusterSingleton.get(system).init(singleton);
  }

  /**
   * Cluster mode only: the role ({@link ClusterSettings#kindRole}) this member carries for running {@code kind}, to
   * place what only members of that kind run (a singleton, sharded entities) on those; empty when this member's
   * roles do not say which kinds it runs (a host's own ActorSystem, {@code Warden.attach}): then any member.
   */
  public static Optional<String> kindRole(ActorSystem<?> system, String kind) {
    String role = ClusterSettings.kindRole(kind);
    return Cluster.get(system).selfMember().hasRole(role) ? Optional.of(role) : Optional.empty();
  }
}
