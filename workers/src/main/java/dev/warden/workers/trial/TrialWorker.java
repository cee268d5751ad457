package dev.warden.workers.trial;

import dev.warden.core.KindMetrics;
import dev.warden.core.WardenMdc;
import dev.warden.core.process.ExitPolicy;
import dev.warden.core.process.ExternalProcess;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import dev.warden.core.process.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One trial worker: runs one trial at a time as an external process under the memory guard.
 * Before a trial starts and on a timer while it runs the guard reads host headroom and the
 * trial's RSS: low headroom brakes the trial; ten consecutive brakes (configurable) recycle the
 * worker; RSS over the cap stops the trial at once and recycles the worker; an old worker is
 * recycled between trials, never mid-trial; exit 42 recycles without counting a failure.
 * Recycling means: the worker's processes are gone, and its age and brake count start afresh.
 * A stopped trial gets its SIGTERM grace only while it does not make things worse: the worker keeps
 * sampling through the grace and SIGKILLs a tree that grows past its cap or while headroom falls
 * ({@link WorkerHealth#graceKill}). Each run carries its own owner marker
 * ({@code <owner prefix>/<trial>#<attempt>/<run>}): whatever still carries it when the run ends is killed.
 * The worker's memory and age, its figures and recycling are {@link WorkerHealth}'s.
 */
public final class TrialWorker extends AbstractBehavior<TrialWorker.Command> {

  public sealed interface Command permits Run, Cancel, FromProcess, GuardTick {}

  /** Run one trial attempt; {@code replyTo} gets heartbeats and then one {@link TrialReport}. */
  public record Run(TrialSpec trial, ActorRef<TrialEvent> replyTo) implements Command {}

  /** Stop the given attempt if it is the one running (reaped, cancelled). */
  public record Cancel(String trialId, int attempt, String reason) implements Command {}

  /**
   * {@code env} is added to every trial's environment (e.g. the node's marker for orphan sweeps at
   * start); {@code ownerPrefix} starts each run's own owner marker (unique per worker).
   */
  public record Settings(MemoryGuard.Settings guard, Duration stopGrace, Path logDir, Map<String, String> env,
      java.util.function.Consumer<Info> info, ExitPolicy exitPolicy, String ownerPrefix) {
    public Settings(MemoryGuard.Settings guard, Duration stopGrace, Path logDir, String ownerPrefix) {
      this(guard, stopGrace, logDir, Map.of(), s -> { }, ExitPolicy.defaults(), ownerPrefix);
    }
  }

  /**
   * The worker's live figures, published on every guard check and recycle: its tree's RSS, its age
   * (since start or the last recycle), brakes, and the trial it runs ({@code null} when idle).
   */
  public record Info(long rssBytes, long ageMillis, long brakes, int consecutiveBrakes, String trial) {
    /** As the tree node shows it: {@code rss=12MiB age=30s brakes=0 consecutive-brakes=0 trial=<id>} (or {@code idle}). */
    public String line() {
      return "rss=" + rssBytes / MIB + "MiB age=" + ageMillis / 1000 + "s brakes=" + brakes
          + " consecutive-brakes=" + consecutiveBrakes + (trial == null ? " idle" : " trial=" + trial);
    }
  }

  private record FromProcess(ExternalProcess.Event event) implements Command {}

  private enum GuardTick implements Command {
    INSTANCE
  }

  private static final long MIB = 1L << 20;

  /** A worker whose lines carry the trial in hand as MDC {@code jobId} (and its process's lines too). */
  public static Behavior<Command> create(String name, Settings settings, MemoryProbe probe, KindMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
      TrialWorker worker = new TrialWorker(ctx, t, name, settings, probe, metrics);
      return Behaviors.withMdc(Command.class, worker::mdc, worker);
    }));
  }

  private final TimerScheduler<Command> timers;
  private final String name;
  private final Settings settings;
  private final KindMetrics metrics;
  private final WorkerHealth health;
  private final ActorRef<ExternalProcess.Event> processEvents;
  private long runs;
  private Running running;

  /** The trial in flight and, once Warden decided to stop it, the outcome to report. */
  private static final class Running {
    final TrialSpec trial;
    final ActorRef<TrialEvent> replyTo;
    final ActorRef<ExternalProcess.Command> process;
    final long startNanos = System.nanoTime();
    long pid = -1;
    String result = "";
    TrialReport.Outcome stoppedAs;
    String stopDetail;
    long rssAtStop;
    long availableAtStop;
    boolean killed;

    Running(TrialSpec trial, ActorRef<TrialEvent> replyTo, ActorRef<ExternalProcess.Command> process) {
      this.trial = trial;
      this.replyTo = replyTo;
      this.process = process;
    }
  }

  private TrialWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name, Settings settings,
      MemoryProbe probe, KindMetrics metrics) {
    super(ctx);
    ctx.setLoggerName(TrialWorker.class);
    this.timers = timers;
    this.name = name;
    this.settings = settings;
    this.metrics = metrics;
    this.health = new WorkerHealth(name, settings, probe, metrics);
    this.processEvents = ctx.messageAdapter(ExternalProcess.Event.class, FromProcess::new);
  }

  /** The trial a message is about, or else the one running, as MDC {@code jobId}. */
  private Map<String, String> mdc(Command msg) {
    String trial = msg instanceof Run run ? run.trial().trialId()
        : msg instanceof Cancel cancel ? cancel.trialId()
        : running != null ? running.trial.trialId() : null;
    return trial == null ? Map.of() : Map.of(WardenMdc.JOB_ID, trial);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(FromProcess.class, this::onProcessEvent)
        .onMessageEquals(GuardTick.INSTANCE, this::onGuardTick)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    TrialSpec t = run.trial();
    if (running != null) {
      run.replyTo().tell(new TrialReport(t.trialId(), t.attempt(), TrialReport.Outcome.REQUEUED, "worker " + name + " is busy", 0));
      return this;
    }
    long now = System.nanoTime();
    if (health.tooOld(now)) {
      recycle(RecycleCause.AGE, "age " + health.ageMillis() + " ms >= max-age " + settings.guard().maxAge().toMillis() + " ms");
    }
    long available = health.availableBytes();
    MemoryGuard.Verdict v = health.check(available, 0, now);
    if (v == MemoryGuard.Verdict.BRAKE || v == MemoryGuard.Verdict.RESTART_WORKER) {
      metrics.counter("brakes").increment();
      String detail = "braked before start: headroom " + available / MIB + " MiB < safe " + settings.guard().safeHeadroomBytes() / MIB + " MiB";
      if (v == MemoryGuard.Verdict.RESTART_WORKER) {
        brakeLimitReached(available, 0);
      }
      run.replyTo().tell(new TrialReport(t.trialId(), t.attempt(), TrialReport.Outcome.BRAKED, detail, 0));
      return this;
    }
    Map<String, String> env = new java.util.HashMap<>(t.env());
    env.putAll(settings.env());
    ProcessSpec spec = ProcessSpec.of(t.argv()).withEnv(env).withStopGrace(settings.stopGrace())
        .withOwner(settings.ownerPrefix() + "/" + t.trialId() + "#" + t.attempt() + "/" + ++runs)
        .withExitPolicy(settings.exitPolicy())
        .withLogFile(settings.logDir().resolve(t.trialId() + "-" + t.attempt() + ".log"));
    ActorRef<ExternalProcess.Command> p = getContext().spawnAnonymous(Behaviors.withMdc(ExternalProcess.Command.class,
        Map.of(WardenMdc.KIND, TrialKind.NAME, WardenMdc.JOB_ID, t.trialId()),
        ExternalProcess.create(name + "/" + t.trialId() + "#" + t.attempt(), spec, processEvents)));
    running = new Running(t, run.replyTo(), p);
    timers.startTimerWithFixedDelay(GuardTick.INSTANCE, settings.guard().checkInterval());
    return this;
  }

  private Behavior<Command> onCancel(Cancel c) {
    if (running != null && running.trial.trialId().equals(c.trialId()) && running.trial.attempt() == c.attempt()) {
      stop(TrialReport.Outcome.CANCELLED, c.reason(), health.availableBytes(), running.pid < 0 ? 0 : health.rssOf(running.pid));
    }
    return this;
  }

  private Behavior<Command> onGuardTick() {
    if (running == null || running.pid < 0) {
      return this;
    }
    if (running.stoppedAs != null) {
      return onGraceTick();
    }
    long available = health.availableBytes();
    long now = health.rssOf(running.pid);
    health.rss(now);
    MemoryGuard.Verdict v = health.check(available, now, System.nanoTime());
    health.publish(trialInHand());
    switch (v) {
      case BRAKE:
        metrics.counter("brakes").increment();
        getContext().getLog().warn("trial worker [{}] braked trial [{}#{}]: headroom {} MiB < safe {} MiB (consecutive brakes {})",
            name, running.trial.trialId(), running.trial.attempt(), available / MIB,
            settings.guard().safeHeadroomBytes() / MIB, health.guard().consecutiveBrakes());
        stop(TrialReport.Outcome.BRAKED, "braked: headroom " + available / MIB + " MiB", available, now);
        break;
      case RESTART_WORKER:
        metrics.counter("brakes").increment();
        stop(TrialReport.Outcome.BRAKED, "braked: headroom " + available / MIB + " MiB; worker recycled (brake limit)",
            available, now);
        brakeLimitReached(available, now);
        break;
      case RECYCLE_RSS:
        stop(TrialReport.Outcome.REQUEUED, "worker RSS " + now / MIB + " MiB over cap " + settings.guard().rssCapBytes() / MIB + " MiB",
            available, now);
        recycle(RecycleCause.RSS, "rss " + now / MIB + " MiB > cap " + settings.guard().rssCapBytes() / MIB + " MiB");
        break;
      default:
        break;
    }
    return this;
  }

  /** A sample during the stop grace: a tree that grows (or a host that keeps losing headroom) is killed now. */
  private Behavior<Command> onGraceTick() {
    String why = running.killed ? null : health.graceKill(running.pid, running.rssAtStop, running.availableAtStop);
    if (why != null) {
      running.killed = true;
      timers.cancel(GuardTick.INSTANCE);
      getContext().getLog().warn("trial worker [{}] trial [{}#{}] {}: SIGKILL now", name, running.trial.trialId(),
          running.trial.attempt(), why);
      running.process.tell(new ExternalProcess.Kill(why));
    }
    return this;
  }

  private void brakeLimitReached(long available, long workerRss) {
    health.brakeLimitReached(available, workerRss, getContext().getLog(), trialInHand());
  }

  /** SIGTERM to the trial's tree; through its grace the guard samples it faster (readings at the stop kept). */
  private void stop(TrialReport.Outcome as, String detail, long available, long treeRss) {
    if (running.stoppedAs != null) {
      return;
    }
    running.stoppedAs = as;
    running.stopDetail = detail;
    running.availableAtStop = available;
    running.rssAtStop = treeRss;
    running.process.tell(new ExternalProcess.Stop(detail));
    timers.startTimerWithFixedDelay(GuardTick.INSTANCE, health.guard().graceCheckInterval());
  }

  private void recycle(RecycleCause cause, String detail) {
    health.recycle(cause, detail, getContext().getLog(), trialInHand());
  }

  /** The trial this worker has in hand, {@code null} when idle. */
  private String trialInHand() {
    return running == null ? null : running.trial.trialId();
  }

  private Behavior<Command> onProcessEvent(FromProcess m) {
    if (running == null) {
      return this;
    }
    ExternalProcess.Event e = m.event();
    if (e instanceof ExternalProcess.Started started) {
      running.pid = started.pid();
    } else if (e instanceof ExternalProcess.Heartbeat beat) {
      running.replyTo.tell(new TrialEvent.TrialHeartbeat(running.trial.trialId(), running.trial.attempt(), beat.atMillis()));
    } else if (e instanceof ExternalProcess.Result result) {
      running.result = result.json();
    } else if (e instanceof ExternalProcess.Finished finished) {
      onFinished(finished);
    }
    return this;
  }

  private void onFinished(ExternalProcess.Finished f) {
    timers.cancel(GuardTick.INSTANCE);
    Running r = running;
    running = null;
    health.rss(0);
    TrialReport.Outcome outcome;
    String detail;
    if (r.stoppedAs != null) {
      outcome = r.stoppedAs;
      detail = r.stopDetail;
    } else {
      switch (f.outcome()) {
        case SUCCESS:
          outcome = TrialReport.Outcome.SUCCEEDED;
          detail = r.result;
          metrics.counter("trials.succeeded").increment();
          break;
        case RESTART_REQUESTED:
          outcome = TrialReport.Outcome.REQUEUED;
          detail = "exit 42: worker asked to be restarted";
          recycle(RecycleCause.EXIT_42, "exit code 42");
          break;
        default:
          outcome = TrialReport.Outcome.FAILED;
          detail = f.reason();
          metrics.counter("trials.failed").increment();
          break;
      }
    }
    r.replyTo.tell(new TrialReport(r.trial.trialId(), r.trial.attempt(), outcome, detail, f.runMillis()));
    health.publish(trialInHand());
  }
}
