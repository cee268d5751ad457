package dev.warden.workers.build;

import dev.warden.core.WardenSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A call of the control plane as plain data, so that it can cross the cluster: {@link Builds} sends these to the
 * control plane's singleton proxy in cluster mode, and the member hosting it ({@link PlaneHost}) turns each into
 * the {@link ControlPlane.Command} it stands for with {@link #command()}. On a single node {@link Builds} calls
 * {@link #command()} itself and talks to the control plane directly, as before. Every reply type is bound to
 * Jackson in the workers' reference.conf.
 */
sealed interface PlaneCall extends WardenSerializable {
  /** The control plane's own command for this call, built where it runs. */
  ControlPlane.Command command();

  record Register(Registration registration, ActorRef<HeartbeatAnswer> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Register(registration, replyTo);
    }
  }

  record Beat(Heartbeat heartbeat, ActorRef<HeartbeatAnswer> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Beat(heartbeat, replyTo);
    }
  }

  record Lease(String droneId, int wanted, ActorRef<LeaseAnswer> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Lease(droneId, wanted, replyTo);
    }
  }

  record Report(dev.warden.workers.build.Report report, ActorRef<ReportAnswer> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Report(report, replyTo);
    }
  }

  record Submit(String packageId, Set<String> requires, ActorRef<Ack> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Submit(packageId, requires, replyTo);
    }
  }

  record Promote(String release, GateOverride override, ActorRef<PromotionAnswer> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      return new ControlPlane.Promote(release, override, replyTo);
    }
  }

  /** The operators' commands that answer an {@link Ack}. */
  enum Op { RETRY, REVOKE, PAUSE, RESUME, DEFINE_RELEASE }

  /** {@code id} is the package's (retry, revoke), the drone's (pause, resume) or the release's name; {@code packages} only for a release. */
  record Operate(Op op, String id, String by, List<String> packages, ActorRef<Ack> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      Function<Instant, Function<BuildControl, Decision<Ack>>> f = switch (op) {
        case RETRY -> now -> c -> c.retry(id, by, now);
        case REVOKE -> now -> c -> c.revoke(id, by, now);
        case PAUSE -> now -> c -> c.pause(id, by, now);
        case RESUME -> now -> c -> c.resume(id, by, now);
        case DEFINE_RELEASE -> now -> c -> c.defineRelease(id, packages, now);
      };
      return new ControlPlane.Operate(f, replyTo);
    }
  }

  /** What a {@link Read} asks for. */
  enum View { PACKAGE, DRONE, DRONES, METRICS }

  /** {@code id} names the package or the drone of a single view. */
  record Read(View view, String id, ActorRef<Viewed> replyTo) implements PlaneCall {
    @Override
    public ControlPlane.Command command() {
      Function<Instant, Function<BuildControl, Viewed>> f = switch (view) {
        case PACKAGE -> now -> c -> new Viewed(c.packageView(id).orElse(null), null, null, null);
        case DRONE -> now -> c -> new Viewed(null, c.droneView(id, now).orElse(null), null, null);
        case DRONES -> now -> c -> new Viewed(null, null,
            c.droneIds().stream().sorted().map(d -> c.droneView(d, now).orElseThrow()).toList(), null);
        case METRICS -> now -> c -> new Viewed(null, null, null, c.metrics(now));
      };
      return new ControlPlane.Read<>(f, replyTo);
    }
  }

  /** The answer of a {@link Read}: the one field it asked for (null when the package or drone is unknown). */
  record Viewed(PackageView pkg, DroneView drone, List<DroneView> drones, BuildMetrics metrics) implements WardenSerializable {}
}
