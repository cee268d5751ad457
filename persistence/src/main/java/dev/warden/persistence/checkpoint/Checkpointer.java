package dev.warden.persistence.checkpoint;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.metrics.LatencyWindow;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.persistence.journal.JournalMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import javax.management.ObjectName;
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
import org.slf4j.LoggerFactory;

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
 * its bound passes.
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

  public static Behavior<Command> create(KindContext kind, PersistenceSettings settings, CheckpointRunner runner) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Checkpointer(ctx, timers, kind, settings, runner)));
  }

  private final TimerScheduler<Command> timers;
  private final KindContext kind;
  private final PersistenceSettings settings;
  private final CheckpointRunner runner;
  private final Executor blocking;
  private final LatencyWindow window;
  private final CheckpointerMBean mbean;
  private final ObjectName mbeanName;
  /** The journal's MBean when this checkpointer registered it (it or the ledger, whichever starts first), else null. */
  private final ObjectName journalName;
  private final List<ActorRef<Result>> waiters = new ArrayList<>();
  private Mode running;
  private ActorRef<Done> stopAck;
  private long count;
  private long failures;
  private boolean closed;

  private Checkpointer(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      KindContext kind,
      PersistenceSettings settings,
      CheckpointRunner runner) {
    super(ctx);
    this.timers = timers;
    this.kind = kind;
    this.settings = settings;
    this.runner = runner;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.window = new LatencyWindow(settings.window());
    this.mbean = new CheckpointerMBean(ctx.getSelf(), ctx.getSystem().scheduler(), settings.finalTimeout());
    this.mbeanName = kind.jmx().name("Checkpointer", null);
    kind.jmx().register(mbeanName, mbean);
    this.journalName = JournalDb.registerMBean(kind.jmx(), ctx.getSystem());
    NodeMeters.get(ctx.getSystem()).bind("checkpointer", CheckpointerMeters.of(mbean));
    JournalMeters.bind(ctx.getSystem());
    kind.metrics().gauge("checkpoint-last-ms", () -> mbean.figures().lastElapsedMillis());
    kind.metrics().gauge("checkpoint-p50-ms", mbean::getP50Millis);
    kind.metrics().gauge("checkpoint-p95-ms", mbean::getP95Millis);
    if (settings.periodicCheckpoints()) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.checkpointInterval());
    }
    ctx.getLog()
        .info(
            "checkpointer [{}] started: interval [{}], final-timeout [{}], database {}",
            kind.path(),
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
      getContext().getLog().debug("checkpointer [{}] tick skipped: a {} is still running", kind.path(), running.sql());
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
    CheckpointRunner r = runner;
    CompletableFuture<Result> done;
    try {
      boolean embedded = Dialect.embeddedH2(settings.url());
      done = CompletableFuture.supplyAsync(() -> closeAfter(r, timed(r, mode), embedded), blocking);
    } catch (RejectedExecutionException e) {
      done = CompletableFuture.completedFuture(Result.failed(mode, 0, e));
    }
    getContext().pipeToSelf(done, (res, err) -> new Finished(res != null ? res : Result.failed(mode, 0, err)));
  }

  /**
   * After the final CHECKPOINT SYNC an embedded database closes (H2 {@code SHUTDOWN}): every writer
   * has stopped, and the URL's DB_CLOSE_DELAY=-1 keeps it open until told. One reached over H2's TCP
   * server stays open: other nodes may be using it. Runs on the blocking dispatcher.
   */
  private static Result closeAfter(CheckpointRunner runner, Result result, boolean embedded) {
    if (result.mode() == Mode.SYNC && embedded) {
      try {
        runner.run("SHUTDOWN");
      } catch (Exception e) {
        LoggerFactory.getLogger(Checkpointer.class).warn("database did not close cleanly after the final checkpoint: {}", e.toString());
      }
    }
    return result;
  }

  /** Runs on the blocking dispatcher. */
  private static Result timed(CheckpointRunner runner, Mode mode) {
    long start = System.nanoTime();
    try {
      runner.checkpoint(mode);
      return Result.ok(mode, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      return Result.failed(mode, (System.nanoTime() - start) / 1_000_000, e);
    }
  }

  private void record(Result result) {
    count++;
    kind.metrics().counter("checkpoints").increment();
    if (result.succeeded()) {
      getContext().getLog().info("{}", result.summary());
    } else {
      failures++;
      kind.metrics().counter("checkpoint-failures").increment();
      getContext().getLog().warn("{}", result.summary());
    }
    window.record(result.elapsedMillis());
    mbean.publish(new CheckpointerMBean.Figures(count, failures, result.elapsedMillis(), window.stats()));
  }

  private Behavior<Command> finish() {
    timers.cancel(FinalTimeout.INSTANCE);
    close();
    stopAck.tell(Done.getInstance());
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!closed) {
      getContext().getLog().warn("checkpointer [{}] stopped without its final checkpoint", kind.path());
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
    kind.jmx().unregister(mbeanName);
    NodeMeters.get(getContext().getSystem()).unbind("checkpointer");
    if (journalName != null) {
      kind.jmx().unregister(journalName);
    }
  }
}
