package dev.warden.persistence.checkpoint;

import dev.warden.core.KindContext;
import dev.warden.core.metrics.LatencyWindow;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps the journal database tidy: runs H2's {@code CHECKPOINT} every
 * {@code warden.persistence.checkpoint.interval} and, at clean shutdown after every writing kind
 * has stopped, one {@code CHECKPOINT SYNC} bounded by {@code final-timeout}. Each checkpoint
 * logs one line ({@code checkpoint mode=CHECKPOINT elapsed_ms=3 outcome=ok}); shutdown logs
 * n/p50/p95/max over the last {@code window} checkpoints. On an H2 file database each checkpoint
 * also brings the journal's high-water record up to date ({@link JdbcCheckpointRunner}), which the
 * next start compares the database with.
 *
 * <p>The SQL runs on Pekko's blocking dispatcher and comes back through {@code pipeToSelf}: the
 * actor never blocks. One checkpoint is in flight at a time; a tick that finds one running is
 * skipped. A failing checkpoint is logged and never fatal, a hanging final one is abandoned when
 * its bound passes. Running a checkpoint is {@link TimedCheckpoint}'s; showing the figures on
 * JMX and the meters is {@link CheckpointerJmx}'s.
 */
public final class Checkpointer extends AbstractBehavior<Checkpointer.Command> {

  public sealed interface Command permits CheckpointNow, FinalCheckpoint, Tick, FinalTimeout, Finished {}

  /** Runs a {@code CHECKPOINT} now; answers its result if {@code replyTo} is present. */
  public record CheckpointNow(Optional<ActorRef<Result>> replyTo) implements Command {
    /** The fire-and-forget form, used as the kind's {@code checkpointNow} operation. */
    public static final CheckpointNow UNANSWERED = new CheckpointNow(Optional.empty());

    public static CheckpointNow answering(ActorRef<Result> replyTo) {
      return new CheckpointNow(Optional.of(replyTo));
    }
  }

  /** Runs the final {@code CHECKPOINT SYNC}, logs the stats, acknowledges and stops. */
  public record FinalCheckpoint(ActorRef<Done> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum FinalTimeout implements Command {
    INSTANCE
  }

  private record Finished(Result result) implements Command {}

  /** The statement a checkpoint runs. */
  public enum Mode {
    /** Periodic and on demand: flush and compact the store. */
    CHECKPOINT("CHECKPOINT"),
    /** Final, at shutdown: also forces the file to the device. */
    SYNC("CHECKPOINT SYNC");

    private final String sql;

    Mode(String sql) {
      this.sql = sql;
    }

    public String sql() {
      return sql;
    }
  }

  /** One checkpoint: what ran, how long it took, and why it failed if it did. */
  public record Result(Mode mode, long elapsedMillis, Optional<String> failure) {
    static Result ok(Mode mode, long elapsedMillis) {
      return new Result(mode, elapsedMillis, Optional.empty());
    }

    static Result failed(Mode mode, long elapsedMillis, Throwable cause) {
      return new Result(mode, elapsedMillis, Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    }

    public boolean succeeded() {
      return failure.isEmpty();
    }

    /** The log line, in logfmt: {@code checkpoint mode=CHECKPOINT elapsed_ms=3 outcome=ok}. */
    public String summary() {
      String line = "checkpoint mode=" + quoted(mode.sql()) + " elapsed_ms=" + elapsedMillis;
      return failure.map(f -> line + " outcome=failed cause=" + quoted(f)).orElse(line + " outcome=ok");
    }

    private static String quoted(String s) {
      return s.matches("[A-Za-z0-9_.:-]+") ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }

  /** Where the figures go after each checkpoint ({@link CheckpointerJmx}); left once at stop. */
  interface Publisher {
    void published(Result result, CheckpointerMBean.Figures figures);

    void close();
  }

  public static Behavior<Command> create(KindContext kind, PersistenceSettings settings, CheckpointRunner runner) {
    return create(kind.path(), settings, runner, ctx -> CheckpointerJmx.register(ctx, kind, settings.finalTimeout()));
  }

  /** The checkpointer at {@code path}, its figures shown where {@code publisher} puts them (tests: nowhere). */
  static Behavior<Command> create(
      String path, PersistenceSettings settings, CheckpointRunner runner, Function<ActorContext<Command>, Publisher> publisher) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Checkpointer(ctx, timers, path, settings, runner, publisher)));
  }

  private final TimerScheduler<Command> timers;
  private final String path;
  private final PersistenceSettings settings;
  private final CheckpointRunner runner;
  private final Executor blocking;
  private final LatencyWindow window;
  private final Publisher publisher;
  private final List<ActorRef<Result>> waiters = new ArrayList<>();
  private Mode running;
  private ActorRef<Done> stopAck;
  private long count;
  private long failures;
  private boolean closed;

  private Checkpointer(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String path,
      PersistenceSettings settings,
      CheckpointRunner runner,
      Function<ActorContext<Command>, Publisher> publisher) {
    super(ctx);
    this.timers = timers;
    this.path = path;
    this.settings = settings;
    this.runner = runner;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.window = new LatencyWindow(settings.window());
    this.publisher = publisher.apply(ctx);
    if (settings.periodicCheckpoints()) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.checkpointInterval());
    }
    ctx.getLog()
        .info(
            "checkpointer [{}] started: interval [{}], final-timeout [{}], database {}",
            path,
            settings.periodicCheckpoints() ? settings.checkpointInterval() : "off",
            settings.finalTimeout(),
            settings.url());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(CheckpointNow.class, this::onCheckpointNow)
        .onMessage(FinalCheckpoint.class, this::onFinalCheckpoint)
        .onMessage(Finished.class, this::onFinished)
        .onMessageEquals(FinalTimeout.INSTANCE, this::onFinalTimeout)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onTick() {
    if (running != null) {
      getContext().getLog().debug("checkpointer [{}] tick skipped: a {} is still running", path, running.sql());
    } else if (stopAck == null) {
      start(Mode.CHECKPOINT);
    }
    return this;
  }

  private Behavior<Command> onCheckpointNow(CheckpointNow now) {
    if (stopAck != null) {
      now.replyTo().ifPresent(r -> r.tell(new Result(Mode.CHECKPOINT, 0, Optional.of("checkpointer is stopping"))));
      return this;
    }
    now.replyTo().ifPresent(waiters::add);
    if (running == null) {
      start(Mode.CHECKPOINT);
    }
    return this;
  }

  private Behavior<Command> onFinalCheckpoint(FinalCheckpoint stop) {
    if (stopAck != null) {
      stop.replyTo().tell(Done.getInstance());
      return this;
    }
    stopAck = stop.replyTo();
    timers.cancel(Tick.INSTANCE);
    timers.startSingleTimer(FinalTimeout.INSTANCE, settings.finalTimeout());
    if (running == null) {
      start(Mode.SYNC);
    }
    return this;
  }

  private Behavior<Command> onFinished(Finished finished) {
    Result result = finished.result();
    running = null;
    record(result);
    waiters.forEach(w -> w.tell(result));
    waiters.clear();
    if (stopAck == null) {
      return this;
    }
    if (result.mode() == Mode.SYNC) {
      return finish();
    }
    start(Mode.SYNC);
    return this;
  }

  private Behavior<Command> onFinalTimeout() {
    long bound = settings.finalTimeout().toMillis();
    Result abandoned =
        new Result(Mode.SYNC, bound, Optional.of("did not finish within final-timeout " + bound + " ms; shutdown continues"));
    running = null;
    record(abandoned);
    waiters.forEach(w -> w.tell(abandoned));
    waiters.clear();
    return finish();
  }

  private void start(Mode mode) {
    running = mode;
    CompletableFuture<Result> done = TimedCheckpoint.start(runner, mode, Dialect.embeddedH2(settings.url()), blocking);
    getContext().pipeToSelf(done, (res, err) -> new Finished(res != null ? res : Result.failed(mode, 0, err)));
  }

  private void record(Result result) {
    count++;
    if (result.succeeded()) {
      getContext().getLog().info("{}", result.summary());
    } else {
      failures++;
      getContext().getLog().warn("{}", result.summary());
    }
    window.record(result.elapsedMillis());
    publisher.published(result, new CheckpointerMBean.Figures(count, failures, result.elapsedMillis(), window.stats()));
  }

  private Behavior<Command> finish() {
    timers.cancel(FinalTimeout.INSTANCE);
    close();
    stopAck.tell(Done.getInstance());
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!closed) {
      getContext().getLog().warn("checkpointer [{}] stopped without its final checkpoint", path);
      close();
    }
    return this;
  }

  /** Logs the stats, releases the connection off the actor thread, and leaves JMX. Runs once. */
  private void close() {
    closed = true;
    LatencyWindow.Stats s = window.stats();
    getContext()
        .getLog()
        .info("checkpoint stats n={} p50_ms={} p95_ms={} max_ms={}", s.n(), s.p50Millis(), s.p95Millis(), s.maxMillis());
    try {
      CompletableFuture.runAsync(runner::close, blocking);
    } catch (RejectedExecutionException e) {
      runner.close();
    }
    publisher.close();
  }
}
