package dev.warden.workers.build;

import dev.warden.core.Asks;
import dev.warden.core.Warden;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The host's and operators' way into the build kind (the drones use the HTTP API, which calls this). Safe from
 * any thread. Every answer is the decision core's, after its events were journaled.
 */
public final class Builds {
  /** Where the control plane is: {@code plane} on a single node, else {@code proxy}, its cluster singleton's. */
  private record Wiring(ActorSystem<?> system, ActorRef<ControlPlane.Command> plane, ActorRef<PlaneCall> proxy, Duration timeout) {}

  private final BuildStats stats = new BuildStats();
  private volatile Wiring wiring;

  Builds() {}

  /** The build kind of a running node started with {@link BuildKind}. */
  public static Builds of(Warden warden) {
    return warden.workerKind(BuildKind.class)
        .orElseThrow(() -> new IllegalArgumentException("node [" + warden.jmxNode() + "] runs no build kind"))
        .builds();
  }

  /** A single node: the control plane is this node's actor {@code plane}. */
  void attach(ActorSystem<?> system, ActorRef<ControlPlane.Command> plane, ServiceSettings service) {
    wiring = new Wiring(system, plane, null, service.askTimeout());
  }

  /** Cluster mode: the control plane is a cluster singleton, reached through {@code proxy} wherever it runs. */
  void attachSingleton(ActorSystem<?> system, ActorRef<PlaneCall> proxy, ServiceSettings service) {
    wiring = new Wiring(system, null, proxy, service.askTimeout());
  }

  BuildStats view() {
    return stats;
  }

  /** The figures of the last tick (JMX has the same). */
  public BuildMXBean stats() {
    return stats;
  }

  // ---- the drone protocol

  public CompletionStage<HeartbeatAnswer> register(Registration r) {
    return ask(to -> new PlaneCall.Register(r, to));
  }

  public CompletionStage<HeartbeatAnswer> heartbeat(Heartbeat hb) {
    return ask(to -> new PlaneCall.Beat(hb, to));
  }

  public CompletionStage<LeaseAnswer> lease(String droneId, int wanted) {
    return ask(to -> new PlaneCall.Lease(droneId, wanted, to));
  }

  public CompletionStage<ReportAnswer> report(Report r) {
    return ask(to -> new PlaneCall.Report(r, to));
  }

  // ---- host and operators

  /** Queues a package; {@code requires} are capabilities its drone must have. */
  public CompletionStage<Ack> submit(String packageId, Set<String> requires) {
    return ask(to -> new PlaneCall.Submit(packageId, requires, to));
  }

  /** Queues a BLOCKED package again with a fresh failure count; {@code by} is journaled. */
  public CompletionStage<Ack> retry(String packageId, String by) {
    return operate(PlaneCall.Op.RETRY, packageId, by, null);
  }

  /** Takes a lease back (reclaim cause OPERATOR); the holder's report will be stale. */
  public CompletionStage<Ack> revoke(String packageId, String by) {
    return operate(PlaneCall.Op.REVOKE, packageId, by, null);
  }

  public CompletionStage<Ack> pause(String droneId, String by) {
    return operate(PlaneCall.Op.PAUSE, droneId, by, null);
  }

  public CompletionStage<Ack> resume(String droneId, String by) {
    return operate(PlaneCall.Op.RESUME, droneId, by, null);
  }

  public CompletionStage<Ack> defineRelease(String name, List<String> packages) {
    return operate(PlaneCall.Op.DEFINE_RELEASE, name, null, packages);
  }

  /** Refused while a package is not validated-succeeded, unless {@code override} (null: none) says who and why. */
  public CompletionStage<PromotionAnswer> promote(String release, GateOverride override) {
    return ask(to -> new PlaneCall.Promote(release, override, to));
  }

  // ---- views

  public CompletionStage<Optional<PackageView>> packageView(String packageId) {
    return read(PlaneCall.View.PACKAGE, packageId).thenApply(v -> Optional.ofNullable(v.pkg()));
  }

  public CompletionStage<Optional<DroneView>> droneView(String droneId) {
    return read(PlaneCall.View.DRONE, droneId).thenApply(v -> Optional.ofNullable(v.drone()));
  }

  public CompletionStage<List<DroneView>> drones() {
    return read(PlaneCall.View.DRONES, null).thenApply(PlaneCall.Viewed::drones);
  }

  public CompletionStage<BuildMetrics> metrics() {
    return read(PlaneCall.View.METRICS, null).thenApply(PlaneCall.Viewed::metrics);
  }

  private CompletionStage<Ack> operate(PlaneCall.Op op, String id, String by, List<String> packages) {
    return ask(to -> new PlaneCall.Operate(op, id, by, packages, to));
  }

  private CompletionStage<PlaneCall.Viewed> read(PlaneCall.View view, String id) {
    return ask(to -> new PlaneCall.Read(view, id, to));
  }

  private <R> CompletionStage<R> ask(org.apache.pekko.japi.function.Function<ActorRef<R>, PlaneCall> message) {
    Wiring w = wiring;
    if (w == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the build kind has not started"));
    }
    if (w.proxy() != null) {
      return Asks.ask(w.system(), w.proxy(), message, w.timeout());
    }
    return Asks.ask(w.system(), w.plane(), to -> message.apply(to).command(), w.timeout());
  }
}
