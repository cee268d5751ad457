package dev.warden.core.supervision;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a {@link Supervisor} supervises (OTP's child spec): the child's node {@code path} in the
 * tree, the {@code kind} it belongs to (its log lines carry it as MDC {@code kind}), how to make
 * each incarnation, the restart intensity, and optionally its pause, resume and stop messages.
 *
 * <p>{@code outage} tells failures caused by the child's environment (its database went away)
 * from its own. A child that fails for good with such a cause (stops with a failure, as Pekko's
 * event-sourced behaviors do when their journal fails) is respawned with backoff like any child
 * that failed while starting, and one that throws such a cause is restarted in place as any crash
 * is, but neither is counted towards max-restarts: a child that depends on a database comes back
 * by itself once the database does, however long it was away, instead of being parked as DEGRADED
 * after a few seconds.
 */
public record ChildSpec<T>(
    String path,
    String kind,
    Supplier<Behavior<T>> child,
    SupervisionSettings settings,
    Optional<T> pauseMessage,
    Optional<T> resumeMessage,
    Optional<Function<ActorRef<Done>, T>> stopMessage,
    boolean removeOnStop,
    Predicate<Throwable> outage) {

  private static final Predicate<Throwable> NO_OUTAGE = t -> false;

  public static <T> ChildSpec<T> of(String path, String kind, Supplier<Behavior<T>> child, SupervisionSettings s) {
    return new ChildSpec<>(path, kind, child, s, Optional.empty(), Optional.empty(), Optional.empty(), false, NO_OUTAGE);
  }

  public ChildSpec<T> withPause(T pause, T resume) {
    return new ChildSpec<>(path, kind, child, settings, Optional.of(pause), Optional.of(resume), stopMessage, removeOnStop, outage);
  }

  public ChildSpec<T> withStopMessage(Function<ActorRef<Done>, T> stop) {
    return new ChildSpec<>(path, kind, child, settings, pauseMessage, resumeMessage, Optional.of(stop), removeOnStop, outage);
  }

  /** Remove the node from the tree when it stops for good (nested, short-lived nodes). */
  public ChildSpec<T> removedOnStop() {
    return new ChildSpec<>(path, kind, child, settings, pauseMessage, resumeMessage, stopMessage, true, outage);
  }

  /** Crashes that {@code isOutage} accepts (anywhere in their cause chain is up to it) are not counted towards max-restarts. */
  public ChildSpec<T> withOutage(Predicate<Throwable> isOutage) {
    return new ChildSpec<>(path, kind, child, settings, pauseMessage, resumeMessage, stopMessage, removeOnStop, isOutage);
  }
}
