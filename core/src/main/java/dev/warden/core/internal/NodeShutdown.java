package dev.warden.core.internal;

import dev.warden.core.Asks;
import dev.warden.core.Warden;
import dev.warden.core.WardenSettings;
import dev.warden.core.http.internal.HttpServer;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.metrics.NodeMeters;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's stop: the HTTP server first (no request reaches a kind that is stopping), then the kinds
 * group by group through the {@link Guardian}, then the JMX doors and the meters. Runs once however
 * often it is asked; {@link #close} also ends the ActorSystem when the node owns it.
 */
public final class NodeShutdown {
  /** Logs as the facade always has: the node's "stopped" line is {@link Warden}'s. */
  private static final Logger log = LoggerFactory.getLogger(Warden.class);

  private enum CloseReason implements CoordinatedShutdown.Reason {
    WARDEN_CLOSE
  }

  private final ActorSystem<?> system;
  private final boolean ownsSystem;
  private final ActorRef<Guardian.Command> guardian;
  private final WardenSettings settings;
  private final JmxRegistry jmx;
  private final Optional<JmxConnector> connector;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();

  public NodeShutdown(
      ActorSystem<?> system,
      boolean ownsSystem,
      ActorRef<Guardian.Command> guardian,
      WardenSettings settings,
      JmxRegistry jmx,
      Optional<JmxConnector> connector) {
    this.system = system;
    this.ownsSystem = ownsSystem;
    this.guardian = guardian;
    this.settings = settings;
    this.jmx = jmx;
    this.connector = connector;
  }

  /** Stops {@code http} (null when none runs) and every kind group by group; runs once however often it is called. */
  public CompletionStage<Done> stopKinds(HttpServer http) {
    if (closing.compareAndSet(false, true)) {
      Duration total = settings.kindStopTimeout().multipliedBy(4).plusSeconds(5);
      CompletionStage<Done> unbound = http == null ? CompletableFuture.completedFuture(Done.getInstance()) : http.stop();
      unbound
          .thenCompose(u -> Asks.<Guardian.Command, Done>ask(
              system, guardian, reply -> new Guardian.StopKinds(!ownsSystem, reply), total))
          .whenComplete(
              (done, err) -> {
                if (err != null) {
                  log.warn("warden node [{}] kinds did not all stop in time: {}", jmx.node(), err.toString());
                }
                connector.ifPresent(JmxConnector::close);
                jmx.unregisterAll();
                NodeMeters.get(system).unbindAll();
                log.info("warden node [{}] stopped", jmx.node());
                stopped.complete(Done.getInstance());
              });
    }
    return stopped;
  }

  /** Completes when every kind has stopped. */
  public CompletionStage<Done> whenStopped() {
    return stopped;
  }

  /**
   * When the node owns its ActorSystem, runs CoordinatedShutdown (whose task stops the kinds) and waits
   * for the system's end; otherwise stops the kinds and waits for that.
   */
  public void close(HttpServer http) {
    if (ownsSystem) {
      CoordinatedShutdown.get(system).run(CloseReason.WARDEN_CLOSE);
      awaitQuietly(system.getWhenTerminated(), Duration.ofMinutes(2));
    } else {
      awaitQuietly(stopKinds(http), Duration.ofMinutes(2));
    }
  }

  /** Waits for {@code stage} up to {@code timeout}; a failure or time-out is logged, not thrown. */
  public static void awaitQuietly(CompletionStage<?> stage, Duration timeout) {
    try {
      stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("warden: shutdown did not complete cleanly: {}", e.toString());
    }
  }
}
