package dev.warden.core.supervision;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a {@link Supervisor} supervises (OTP's child spec): the child's node {@code path} in the
 * tree, the {@code kind} it belongs to (its log lines carry it as MDC {@code kind}), how to make
 * each incarnation, the restart intensity, and optionally its pause, resume and stop messages.
 */
public record ChildSpec<T>(
    String path,
    String kind,
    Supplier<Behavior<T>> child,
    SupervisionSettings settings,
    Optional<T> pauseMessage,
    Optional<T> resumeMessage,
    Optional<Function<ActorRef<Done>, T>> stopMessage,
    boolean removeOnStop) {

  public static <T> ChildSpec<T> of(String path, String kind, Supplier<Behavior<T>> child, SupervisionSettings s) {
    return new ChildSpec<>(path, kind, child, s, Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  public ChildSpec<T> withPause(T pause, T resume) {
    return new ChildSpec<>(path, kind, child, settings, Optional.of(pause), Optional.of(resume), stopMessage, removeOnStop);
  }

  public ChildSpec<T> withStopMessage(Function<ActorRef<Done>, T> stop) {
    return new ChildSpec<>(path, kind, child, settings, pauseMessage, resumeMessage, Optional.of(stop), removeOnStop);
  }

  /** Remove the node from the tree when it stops for good (nested, short-lived nodes). */
  public ChildSpec<T> removedOnStop() {
    return new ChildSpec<>(path, kind, child, settings, pauseMessage, resumeMessage, stopMessage, true);
  }
}
