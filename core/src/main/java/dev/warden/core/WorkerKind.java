package dev.warden.core;

import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A kind of worker plugged into the runtime. {@code core} knows no kind: whoever starts Warden
 * (a host, or the {@code warden} command) passes the kinds it wants. Each kind's root behavior
 * runs under its own supervisor at {@code /warden/<name>} with the restart intensity of
 * {@code warden.supervision.kinds.<name>} (falling back to {@code warden.supervision.default}).
 *
 * @param <T> the root behavior's message type
 */
public interface WorkerKind<T> {

  /** A kind with only a name and a root behavior (no pause, no graceful stop, no operations). */
  static <T> WorkerKind<T> of(String name, Function<KindContext, Behavior<T>> root) {
    return new WorkerKind<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Behavior<T> rootBehavior(KindContext context) {
        return root.apply(context);
      }
    };
  }

  /** Unique, stable name: letters, digits and '-'. Used in the tree, JMX and config paths. */
  String name();

  /** The kind's root behavior; called again for every incarnation after a crash. */
  Behavior<T> rootBehavior(KindContext context);

  /**
   * Reads and checks the kind's settings in {@code config} (the node's resolved config), throwing a
   * {@link WardenConfigException} for a bad value. Called for every kind before any kind's
   * {@link #prepare} and before the data directory or database is created, so a bad value of any
   * kind fails the start with nothing written.
   */
  default void validate(com.typesafe.config.Config config) {}

  /**
   * One-time blocking setup, run on the thread that calls {@link Warden#start} before the root
   * is spawned (e.g. creating a database schema). Throwing here fails the start.
   */
  default void prepare(ActorSystem<?> system) {}

  /**
   * Which failures of the root are its environment's rather than its own, e.g. the journal's database
   * being away ({@code JournalDb::isOutage}) for a root that is an event-sourced behavior: the root is
   * then started again with backoff until they stop, without counting them towards max-restarts
   * ({@link dev.warden.core.supervision.ChildSpec#withOutage}). None by default: every failure counts.
   */
  default Predicate<Throwable> outage() {
    return failure -> false;
  }

  /** Message that pauses the kind (no new work), if it supports pausing. */
  default Optional<T> pauseMessage() {
    return Optional.empty();
  }

  /** Message that resumes a paused kind. */
  default Optional<T> resumeMessage() {
    return Optional.empty();
  }

  /**
   * Message asking the root to finish in-flight work and stop itself, acknowledging with
   * {@code Done} first if it likes. Without one the root is simply stopped at shutdown.
   */
  default Optional<Function<ActorRef<Done>, T>> stopMessage() {
    return Optional.empty();
  }

  /**
   * Kinds stop in ascending order at shutdown, each group after the previous one has stopped.
   * Kinds that write state use 0; infrastructure that must outlive every writer (the
   * checkpointer) uses a higher value.
   */
  default int shutdownOrder() {
    return 0;
  }

  /** Named operations an operator may invoke over JMX; each sends its message to the root. */
  default Map<String, T> operations() {
    return Map.of();
  }

  /**
   * Routes this kind adds to the node's HTTP API ({@code warden.http}), mounted under
   * {@code /api/v1}, with their part of the OpenAPI document and an optional readiness check;
   * none by default. Called once per node, after every kind has started, on the thread that
   * starts the node.
   */
  default Optional<KindRoutes> routes(HttpContext http) {
    return Optional.empty();
  }
}
