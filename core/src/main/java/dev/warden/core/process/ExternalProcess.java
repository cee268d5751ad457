package dev.warden.core.process;

import dev.warden.core.DataFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.MDC;

/**
 * Owns one external process: starts it, pumps its output (on pump threads, never on this actor),
 * reports start, heartbeats, result and exit to its owner, and stops it as SIGTERM to the whole
 * process tree, a grace period, then SIGKILL to whatever is left. If this actor stops for any
 * reason (its owner stopped, the node shuts down, a crash) the tree is killed: nothing is orphaned.
 * Every process of the tree carries the run's owner marker ({@link ProcessTree#OWNER_ENV}); when the
 * tree ends (exit, stop, kill, this actor stopping) processes still carrying it are killed too, so a
 * double-forked descendant re-parented to init does not outlive its run. The exit is reported only
 * after that sweep. Once the process has exited this actor stops.
 */
public final class ExternalProcess extends AbstractBehavior<ExternalProcess.Command> {

  public sealed interface Command
      permits Stop, Kill, GetInfo, Spawned, SpawnFailed, RootExited, Exited, SignOfLife, ResultLine, KillNow, TrackTree {}

  /** Stop the process tree: SIGTERM now, SIGKILL after the spec's grace period. */
  public record Stop(String reason) implements Command {}

  /**
   * SIGKILL to the whole tree now, without (or cutting short) the grace: for a tree that makes
   * things worse while it is being stopped (e.g. keeps growing past its memory cap).
   */
  public record Kill(String reason) implements Command {}

  /** Answers the process's current figures. */
  public record GetInfo(ActorRef<Info> replyTo) implements Command {}

  public record Info(long pid, long rssBytes, long uptimeMillis, long lastSignOfLifeMillis) {}

  /** What the owner hears. */
  public sealed interface Event permits Started, Heartbeat, Result, Finished {}

  public record Started(long pid, long startedAtMillis) implements Event {}

  public record Heartbeat(long atMillis) implements Event {}

  public record Result(String json) implements Event {}

  /** The process exited (or never started: {@code exitCode} -1, outcome FAILURE). */
  public record Finished(int exitCode, ExitPolicy.Outcome outcome, String reason, long runMillis) implements Event {}

  private record Spawned(Process process) implements Command {}

  private record SpawnFailed(Throwable cause) implements Command {}

  private record RootExited(int code) implements Command {}

  private record Exited(int code, List<Long> swept) implements Command {}

  private record SignOfLife(long atMillis) implements Command {}

  private record ResultLine(String json) implements Command {}

  private enum KillNow implements Command {
    INSTANCE
  }

  private enum TrackTree implements Command {
    INSTANCE
  }

  private static final AtomicLong RUNS = new AtomicLong();

  public static Behavior<Command> create(String name, ProcessSpec spec, ActorRef<Event> owner) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ExternalProcess(ctx, timers, name, spec, owner)));
  }

  private final TimerScheduler<Command> timers;
  private final String name;
  private final ProcessSpec spec;
  private final ActorRef<Event> owner;
  private final String marker;
  private final AtomicLong lastAlive = new AtomicLong();
  private final Set<ProcessHandle> tree = new LinkedHashSet<>();
  private Process process;
  private CompletableFuture<Void> pumps = CompletableFuture.completedFuture(null);
  private OutputStream jobLog;
  private long startedAt;
  private long lastHeartbeatSent;
  private String stopReason;
  private boolean finished;

  private ExternalProcess(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, String name, ProcessSpec spec, ActorRef<Event> owner) {
    super(ctx);
    ctx.setLoggerName(ExternalProcess.class);
    this.timers = timers;
    this.name = name;
    this.spec = spec;
    this.owner = owner;
    this.marker = spec.owner().orElseGet(() ->
        "warden-" + ProcessHandle.current().pid() + "/" + name + "/" + RUNS.incrementAndGet());
    ctx.pipeToSelf(ProcessLauncher.spawn(spec, marker, SecretEnv.names(ctx.getSystem().settings().config())),
        (p, err) -> err != null ? new SpawnFailed(err) : new Spawned(p));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Spawned.class, this::onSpawned)
        .onMessage(SpawnFailed.class, this::onSpawnFailed)
        .onMessage(SignOfLife.class, this::onSignOfLife)
        .onMessage(ResultLine.class, m -> {
          owner.tell(new Result(m.json()));
          return this;
        })
        .onMessage(Stop.class, this::onStop)
        .onMessageEquals(KillNow.INSTANCE, this::onKillNow)
        .onMessage(Kill.class, this::onKill)
        .onMessageEquals(TrackTree.INSTANCE, this::onTrackTree)
        .onMessage(GetInfo.class, this::onGetInfo)
        .onMessage(RootExited.class, this::onRootExited)
        .onMessage(Exited.class, this::onExited)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onSpawned(Spawned m) {
    process = m.process();
    startedAt = System.currentTimeMillis();
    lastAlive.set(startedAt);
    tree.add(process.toHandle());
    getContext().getLog().info("process [{}] pid [{}] started: {}", name, process.pid(), spec.argv());
    owner.tell(new Started(process.pid(), startedAt));
    jobLog = spec.logFile()
        .map(f -> OutputPump.openJobLog(f, name, DataFiles.create(getContext().getSystem().settings().config()), getContext().getLog()))
        .orElse(null);
    ActorRef<Command> self = getContext().getSelf();
    OutputPump.Sink sink =
        new OutputPump.Sink() {
          @Override
          public void alive() {
            long now = System.currentTimeMillis();
            lastAlive.set(now);
            self.tell(new SignOfLife(now));
          }

          @Override
          public void result(String json) {
            self.tell(new ResultLine(json));
          }
        };
    pumps = ProcessLauncher.pump(process, name, getContext().getLog(), jobLog, sink, spec, MDC.getCopyOfContextMap());
    getContext().pipeToSelf(process.onExit(), (p, err) -> new RootExited(p == null ? -1 : p.exitValue()));
    timers.startTimerWithFixedDelay(TrackTree.INSTANCE, java.time.Duration.ofMillis(500));
    if (stopReason != null) {
      return onStop(new Stop(stopReason));
    }
    return this;
  }

  private Behavior<Command> onSpawnFailed(SpawnFailed m) {
    Throwable cause = m.cause().getCause() != null ? m.cause().getCause() : m.cause();
    getContext().getLog().warn("process [{}] failed to start: {}", name, cause.getMessage());
    finished = true;
    owner.tell(new Finished(-1, ExitPolicy.Outcome.FAILURE, "failed to start: " + cause.getMessage(), 0));
    return Behaviors.stopped();
  }

  /** Heartbeats reach the owner at most once per {@code heartbeatEvery}, however chatty the process. */
  private Behavior<Command> onSignOfLife(SignOfLife m) {
    if (m.atMillis() - lastHeartbeatSent >= spec.heartbeatEvery().toMillis()) {
      lastHeartbeatSent = m.atMillis();
      owner.tell(new Heartbeat(m.atMillis()));
    }
    return this;
  }

  private Behavior<Command> onStop(Stop m) {
    if (stopReason == null || process != null) {
      stopReason = stopReason == null ? m.reason() : stopReason;
    }
    if (process == null || finished) {
      return this;
    }
    tree.addAll(ProcessTree.terminate(process.toHandle()));
    getContext().getLog().info("process [{}] pid [{}] stopping ({}): SIGTERM sent to {} process(es), SIGKILL in {} ms",
        name, process.pid(), stopReason, tree.size(), spec.stopGrace().toMillis());
    timers.startSingleTimer(KillNow.INSTANCE, KillNow.INSTANCE, spec.stopGrace());
    return this;
  }

  private Behavior<Command> onKillNow() {
    if (process != null) {
      getContext().getLog().warn("process [{}] pid [{}] still alive after its grace period: SIGKILL to the tree", name, process.pid());
      ProcessTree.kill(process.toHandle(), tree);
    }
    return this;
  }

  private Behavior<Command> onKill(Kill m) {
    if (process != null && !finished) {
      timers.cancel(KillNow.INSTANCE);
      getContext().getLog().warn("process [{}] pid [{}]: SIGKILL to the tree now ({})", name, process.pid(), m.reason());
      ProcessTree.kill(process.toHandle(), tree);
    }
    return this;
  }

  /** Remembers descendants while the root lives, so they can still be killed once it has exited. */
  private Behavior<Command> onTrackTree() {
    if (process != null && process.isAlive()) {
      tree.removeIf(h -> !h.isAlive());
      tree.addAll(ProcessTree.members(process.toHandle()));
    }
    return this;
  }

  private Behavior<Command> onGetInfo(GetInfo m) {
    long pid = process == null ? -1 : process.pid();
    long rss = process == null ? 0 : ProcessTree.rssBytes(process.toHandle());
    long up = process == null ? 0 : System.currentTimeMillis() - startedAt;
    m.replyTo().tell(new Info(pid, rss, up, lastAlive.get()));
    return this;
  }

  /**
   * The root exited. Descendants it left behind are killed (nothing outlives its job), and so is
   * every process still carrying the run's marker (found off this thread); that also closes any
   * pipe they held. Then the pumps drain the last lines (a result line printed just before exit
   * still arrives first) and the exit is reported.
   */
  private Behavior<Command> onRootExited(RootExited m) {
    finished = true;
    timers.cancel(KillNow.INSTANCE);
    timers.cancel(TrackTree.INSTANCE);
    tree.remove(process.toHandle());
    long leftovers = tree.stream().filter(ProcessHandle::isAlive).count();
    if (leftovers > 0) {
      getContext().getLog().info("process [{}] exited leaving {} descendant(s): killing them", name, leftovers);
      tree.forEach(ProcessHandle::destroyForcibly);
    }
    Set<Long> known = pids(tree);
    CompletableFuture<List<Long>> swept = ProcessLauncher.sweepLater(marker, known);
    getContext().pipeToSelf(
        swept.thenCompose(pids -> pumps.completeOnTimeout(null, 2, java.util.concurrent.TimeUnit.SECONDS).thenApply(v -> pids)),
        (pids, err) -> new Exited(m.code(), pids == null ? List.of() : pids));
    return this;
  }

  private static Set<Long> pids(Set<ProcessHandle> handles) {
    Set<Long> pids = new java.util.HashSet<>();
    handles.forEach(h -> pids.add(h.pid()));
    return pids;
  }

  private Behavior<Command> onExited(Exited m) {
    if (!m.swept().isEmpty()) {
      getContext().getLog().info("process [{}]: killed {} escaped process(es) carrying its marker [{}]: pids {}",
          name, m.swept().size(), marker, m.swept());
    }
    ExitPolicy.Outcome outcome = stopReason != null ? ExitPolicy.Outcome.STOPPED : spec.exitPolicy().classify(m.code());
    String reason = stopReason != null ? stopReason : "exit code " + m.code();
    long ran = System.currentTimeMillis() - startedAt;
    getContext().getLog().info("process [{}] pid [{}] exited with code [{}] after [{}] ms: {}", name, process.pid(), m.code(), ran, outcome);
    owner.tell(new Finished(m.code(), outcome, reason, ran));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (process != null && !finished) {
      getContext().getLog().info("process [{}] pid [{}]: owner gone, killing the process tree", name, process.pid());
      tree.addAll(ProcessTree.members(process.toHandle()));
      ProcessTree.kill(process.toHandle(), tree);
      // the last chance (the node may be closing): sweep here, bounded by one /proc scan per pass
      List<Long> swept = ProcessLauncher.sweep(marker, pids(tree));
      if (!swept.isEmpty()) {
        getContext().getLog().info("process [{}]: killed {} escaped process(es) carrying its marker: pids {}", name, swept.size(), swept);
      }
    }
    if (jobLog != null) {
      try {
        jobLog.close();
      } catch (IOException e) {
        getContext().getLog().debug("process [{}]: job log close failed: {}", name, e.toString());
      }
    }
    return this;
  }
}
