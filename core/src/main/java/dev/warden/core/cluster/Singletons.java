package dev.warden.core.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * A coordinator that must be unique in the cluster: a Pekko {@link ClusterSingleton} in cluster
 * mode ({@code warden.cluster.enabled}); on a single node the kind runs it as its own child, as
 * before (check {@link #clustered}). Every member calls {@link #clusterWide} with its own
 * behavior; the singleton runs on the oldest member (the behavior that member passed, so it is
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

  /** Cluster mode only: runs {@code behavior} as the cluster singleton {@code name}; returns this member's proxy. */
  public static <M> ActorRef<M> clusterWide(ActorSystem<?> system, String name, Behavior<M> behavior) {
    Behavior<M> supervised = Behaviors.supervise(behavior)
        .onFailure(SupervisorStrategy.restartWithBackoff(MIN_BACKOFF, MAX_BACKOFF, 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(supervised, name));
  }
}
