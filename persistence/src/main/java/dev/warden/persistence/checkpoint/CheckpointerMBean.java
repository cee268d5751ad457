package dev.warden.persistence.checkpoint;

import dev.warden.core.metrics.LatencyWindow;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * {@link CheckpointerMXBean} of one checkpointer incarnation. Attributes read the figures the
 * actor last published; {@code checkpointNow} asks the actor and waits at most {@code timeout}
 * on the JMX thread (never on an actor).
 */
final class CheckpointerMBean implements CheckpointerMXBean {

  /** What the actor publishes after every checkpoint. Immutable. */
  record Figures(long count, long failures, long lastElapsedMillis, LatencyWindow.Stats window) {
    public static final Figures NONE = new Figures(0, 0, 0, new LatencyWindow.Stats(0, 0, 0, 0));
  }

  private final ActorRef<Checkpointer.Command> checkpointer;
  private final Scheduler scheduler;
  private final Duration timeout;
  private final AtomicReference<Figures> figures = new AtomicReference<>(Figures.NONE);

  CheckpointerMBean(ActorRef<Checkpointer.Command> checkpointer, Scheduler scheduler, Duration timeout) {
    this.checkpointer = checkpointer;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** Called by the owning actor only. */
  void publish(Figures latest) {
    figures.set(latest);
  }

  Figures figures() {
    return figures.get();
  }

  @Override
  public String checkpointNow() {
    try {
      return AskPattern.<Checkpointer.Command, Checkpointer.Result>ask(
              checkpointer, Checkpointer.CheckpointNow::answering, timeout, scheduler)
          .toCompletableFuture()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .summary();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "checkpoint interrupted";
    } catch (ExecutionException | TimeoutException e) {
      return "checkpoint did not answer within " + timeout.toMillis() + " ms: " + e.getMessage();
    }
  }

  @Override
  public long getCount() {
    return figures.get().count();
  }

  @Override
  public long getFailures() {
    return figures.get().failures();
  }

  @Override
  public long getLastElapsedMillis() {
    return figures.get().lastElapsedMillis();
  }

  @Override
  public long getP50Millis() {
    return figures.get().window().p50Millis();
  }

  @Override
  public long getP95Millis() {
    return figures.get().window().p95Millis();
  }

  @Override
  public long getMaxMillis() {
    return figures.get().window().maxMillis();
  }
}
