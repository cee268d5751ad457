package dev.warden.workers.build;

import dev.warden.core.Asks;
import dev.warden.core.Warden;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The host's and operators' way into the build kind (the drones use the HTTP API, which calls this). Safe from
 * any thread. Every answer is the decision core's, after its events were journaled.
 */
public final class Builds {
  private record Wiring(ActorSystem<?> system, ActorRef<ControlPlane.Command> plane, Duration timeout) {}

  private final BuildStats stats = new BuildStats();
  private volatile Wiring wiring;

  Builds() {}

  /** The build kind of a running node started with {@link BuildKind}. */
  public static Builds of(Warden warden) {
    return warden.workerKind(BuildKind.class)
        .orElseThrow(() -> new IllegalArgumentException("node [" + warden.jmxNode() + "] runs no build kind"))
        .builds();
  }

  void attach(ActorSystem<?> system, ActorRef<ControlPlane.Command> plane, ServiceSettings service) {
    wiring = new Wiring(system, plane, service.askTimeout());
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
    return ask(to -> new ControlPlane.Register(r, to));
  }

  public CompletionStage<HeartbeatAnswer> heartbeat(Heartbeat hb) {
    return ask(to -> new ControlPlane.Beat(hb, to));
  }

  public CompletionStage<LeaseAnswer> lease(String droneId, int wanted) {
    return ask(to -> new ControlPlane.Lease(droneId, wanted, to));
  }

  public CompletionStage<ReportAnswer> report(Report r) {
    return ask(to -> new ControlPlane.Report(r, to));
  }

  // ---- host and operators

  /** Queues a package; {@code requires} are capabilities its drone must have. */
  public CompletionStage<Ack> submit(String packageId, Set<String> requires) {
    return ask(to -> new ControlPlane.Submit(packageId, requires, to));
  }

  /** Queues a BLOCKED package again with a fresh failure count; {@code by} is journaled. */
  public CompletionStage<Ack> retry(String packageId, String by) {
    return operate(now -> c -> c.retry(packageId, by, now));
  }

  /** Takes a lease back (reclaim cause OPERATOR); the holder's report will be stale. */
  public CompletionStage<Ack> revoke(String packageId, String by) {
    return operate(now -> c -> c.revoke(packageId, by, now));
  }

  public CompletionStage<Ack> pause(String droneId, String by) {
    return operate(now -> c -> c.pause(droneId, by, now));
  }

  public CompletionStage<Ack> resume(String droneId, String by) {
    return operate(now -> c -> c.resume(droneId, by, now));
  }

  public CompletionStage<Ack> defineRelease(String name, List<String> packages) {
    return operate(now -> c -> c.defineRelease(name, packages, now));
  }

  /** Refused while a package is not validated-succeeded, unless {@code override} (null: none) says who and why. */
  public CompletionStage<PromotionAnswer> promote(String release, GateOverride override) {
    return ask(to -> new ControlPlane.Promote(release, override, to));
  }

  // ---- views

  public CompletionStage<Optional<PackageView>> packageView(String packageId) {
    return read(now -> c -> c.packageView(packageId));
  }

  public CompletionStage<Optional<DroneView>> droneView(String droneId) {
    return read(now -> c -> c.droneView(droneId, now));
  }

  public CompletionStage<List<DroneView>> drones() {
    return read(now -> c -> c.droneIds().stream().sorted().map(id -> c.droneView(id, now).orElseThrow()).toList());
  }

  public CompletionStage<BuildMetrics> metrics() {
    return read(now -> c -> c.metrics(now));
  }

  private CompletionStage<Ack> operate(Function<Instant, Function<BuildControl, Decision<Ack>>> op) {
    return ask(to -> new ControlPlane.Operate(op, to));
  }

  private <T> CompletionStage<T> read(Function<Instant, Function<BuildControl, T>> f) {
    return ask(to -> new ControlPlane.Read<>(f, to));
  }

  private <R> CompletionStage<R> ask(org.apache.pekko.japi.function.Function<ActorRef<R>, ControlPlane.Command> message) {
    Wiring w = wiring;
    if (w == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the build kind has not started"));
    }
    return Asks.ask(w.system(), w.plane(), message, w.timeout());
  }
}
