package dev.warden.workers.build;

import dev.warden.core.supervision.BoundChild;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import java.time.Duration;

/**
 * Cluster mode: the build kind's cluster singleton. It runs the {@link ControlPlane} as its child {@code plane}
 * (recovered from the shared journal wherever the singleton lands) and hands it each {@link PlaneCall} as the
 * command it stands for. A failing control plane (a journal outage) recovers again after a back-off.
 */
final class PlaneHost {
  /** The singleton's name in the cluster. */
  static final String SINGLETON = "warden-build-control-plane";

  private PlaneHost() {}

  static Behavior<PlaneCall> create(Behavior<ControlPlane.Command> plane) {
    return Behaviors.setup(ctx -> {
      // bound: a journal failure stops the plane for good (Pekko's own stop), so this host fails with it and the
      // singleton's supervision restarts both
      ActorRef<ControlPlane.Command> child = BoundChild.spawn(ctx, Behaviors.supervise(plane)
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)), "plane");
      return Behaviors.receiveMessage(call -> {
        child.tell(call.command());
        return Behaviors.same();
      });
    });
  }
}
