package dev.warden.core.supervision;

import dev.warden.core.KindMetrics;
import dev.warden.core.WardenMdc;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Supervises one child with an OTP-style restart intensity and backoff, and keeps the child's
 * node in the {@link SupervisorTree} current.
 *
 * <p>The child restarts in place under Pekko's restart strategy (with backoff), so its mailbox
 * survives the crash: messages queued behind the crashing one reach the next incarnation. A
 * {@link CrashWatcher} inside counts crashes in the sliding window and reports each one here;
 * this actor writes the supervisor report (supervisor, child, cause, restart count) and keeps the
 * tree current. More than {@code maxRestarts} crashes within {@code within} make the child fail
 * for good: the node goes DEGRADED and is parked (messages go to dead letters, logged
 * rate-limited) while siblings and the runtime are untouched, until an operator
 * {@link Control#RESTART} spawns it afresh. A child that fails while starting is respawned by
 * this actor under the same intensity.
 *
 * <p>The supervisor's own ref is stable across restarts: send it the child's messages.
 */
public final class Supervisor extends AbstractBehavior<Object> {

  /** Messages held while restarting; beyond this they go to dead letters with a warning. */
  public static final int RESTART_BUFFER = 1024;

  /** Operator controls, sent by JMX operations and hosts. */
  public enum Control {
    RESTART,
    PAUSE,
    RESUME
  }

  /** Stop the child gracefully (its stop message if it has one) and then this supervisor. */
  public record Stop(Duration timeout, ActorRef<Done> replyTo) {}

  /** Asks for this supervisor's child ref (empty while restarting or degraded). For tests and tools. */
  public record GetChild(ActorRef<Optional<ActorRef<Void>>> replyTo) {}

  private enum RestartTick {
    INSTANCE
  }

  private enum StopTimeout {
    INSTANCE
  }

  private record ChildStopped(Done done) {}

  /**
   * The JMX face of a kind's {@code supervisor}: the kind's node at {@code path} in {@code tree},
   * its {@code metrics}, and the operator's controls ({@code operations} by name; pause and resume
   * only when {@code pausable}).
   */
  public static KindMXBean mxBean(String kind, String path, SupervisorTree tree, KindMetrics metrics,
      ActorRef<Object> supervisor, Map<String, ?> operations, boolean pausable) {
    return new KindMBean(kind, path, tree, metrics, supervisor, operations, pausable);
  }

  /**
   * Creates the supervisor; the child is spawned immediately. Both log with the kind's name as MDC
   * {@link WardenMdc#KIND}.
   */
  public static <T> Behavior<Object> create(ChildSpec<T> spec, SupervisorTree tree) {
    return Behaviors.withMdc(
        Object.class,
        Map.of(WardenMdc.KIND, spec.kind()),
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        Behaviors.withStash(
                            RESTART_BUFFER, stash -> new Supervisor(ctx, timers, stash, spec, tree)))));
  }

  private final TimerScheduler<Object> timers;
  private final StashBuffer<Object> buffer;
  private final ChildSpec<Object> spec;
  private final SupervisorTree tree;
  private final CrashWindow setupCrashes;
  /** Failures of the child's environment ({@link ChildSpec#outage}): they set the backoff only. */
  private final CrashWindow outages;
  private final SupervisorReports reports;
  private ActorRef<Object> child;
  private int incarnation;
  private long totalRestarts;
  private boolean degraded;
  private boolean paused;
  private boolean restartWhenStopped;
  private ActorRef<Done> stopReplyTo;

  @SuppressWarnings("unchecked")
  private <T> Supervisor(
      ActorContext<Object> ctx,
      TimerScheduler<Object> timers,
      StashBuffer<Object> buffer,
      ChildSpec<T> spec,
      SupervisorTree tree) {
    super(ctx);
    ctx.setLoggerName(Supervisor.class);
    this.timers = timers;
    this.buffer = buffer;
    this.spec = (ChildSpec<Object>) spec;
    this.tree = tree;
    this.setupCrashes = new CrashWindow(spec.settings().within());
    this.outages = new CrashWindow(spec.settings().within());
    this.reports = new SupervisorReports(ctx, spec);
    tree.register(spec.path(), spec.kind());
    spawnChild();
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, this::onChildTerminated)
        .onMessage(CrashWatcher.Crashed.class, this::onCrashed)
        .onMessage(CrashWatcher.Restarted.class, this::onRestarted)
        .onMessageEquals(RestartTick.INSTANCE, this::onRestartTick)
        .onMessage(Control.class, this::onControl)
        .onMessage(Stop.class, this::onStop)
        .onMessageEquals(StopTimeout.INSTANCE, this::onStopTimeout)
        .onMessage(ChildStopped.class, m -> this)
        .onMessage(GetChild.class, this::onGetChild)
        .onAnyMessage(this::onForward)
        .build();
  }

  private void spawnChild() {
    incarnation++;
    child = getContext().spawn(ChildBehavior.of(spec, getContext().getSelf()), childName());
    getContext().watch(child);
    paused = false;
    tree.state(spec.path(), NodeState.RUNNING);
  }

  private String childName() {
    String name = spec.path().substring(spec.path().lastIndexOf('/') + 1);
    return name + "-" + incarnation;
  }

  private Behavior<Object> onForward(Object msg) {
    if (child != null) {
      child.tell(msg);
    } else if (!degraded && stopReplyTo == null && !buffer.isFull()) {
      buffer.stash(msg);
    } else {
      getContext().getSystem().deadLetters().tell(msg);
      reports.dropped(msg, degraded ? "DEGRADED" : stopReplyTo != null ? "stopping" : "restarting and its buffer is full");
    }
    return this;
  }

  /** The child crashed and Pekko restarts it in place (after the backoff). */
  private Behavior<Object> onCrashed(CrashWatcher.Crashed crash) {
    totalRestarts++;
    long now = System.currentTimeMillis();
    String message = SupervisorReports.describe(crash.cause());
    tree.update(spec.path(), n -> n.withFailure(message, now, true).withState(NodeState.RESTARTING, now));
    reports.crashed(childName(), totalRestarts, crash);
    return this;
  }

  private Behavior<Object> onRestarted(CrashWatcher.Restarted r) {
    if (child != null && !degraded) {
      tree.state(spec.path(), NodeState.RUNNING);
    }
    return this;
  }

  /** The child failed for good: intensity exceeded, or it failed while starting. */
  private Behavior<Object> onChildFailed(ChildFailed failed) {
    if (!isCurrentChild(failed)) {
      return this;
    }
    child = null;
    if (stopReplyTo != null) {
      return finishStop();
    }
    Throwable cause = rootCause(failed.getCause());
    long now = System.currentTimeMillis();
    if (cause instanceof CrashWatcher.IntensityExceeded exceeded) {
      return degrade(exceeded.crashes, cause.getCause(), now);
    }
    if (spec.outage().test(cause)) { // its environment failed, not the child: respawn, not counted
      onCrashed(new CrashWatcher.Crashed(cause, setupCrashes.count(now), true));
      return respawnAfter(spec.settings().backoffFor(outages.crashed(now)));
    }
    // failed outside the restart strategy (e.g. in setup): respawn under the same window
    int inWindow = setupCrashes.crashed(now);
    if (inWindow > spec.settings().maxRestarts()) {
      return degrade(inWindow, cause, now);
    }
    onCrashed(new CrashWatcher.Crashed(cause, inWindow));
    return respawnAfter(spec.settings().backoffFor(inWindow));
  }

  private Behavior<Object> respawnAfter(Duration backoff) {
    if (backoff.isZero()) {
      return restartNow();
    }
    timers.startSingleTimer(RestartTick.INSTANCE, RestartTick.INSTANCE, backoff);
    return this;
  }

  private Behavior<Object> degrade(int crashes, Throwable cause, long now) {
    degraded = true;
    String message = SupervisorReports.describe(cause);
    tree.update(spec.path(), n -> n.withFailure(message, now, false).withState(NodeState.DEGRADED, now));
    reports.degraded(crashes, cause);
    return buffer.unstashAll(this);
  }

  private Behavior<Object> onChildTerminated(Terminated t) {
    if (!t.getRef().equals(child)) {
      return this;
    }
    child = null;
    if (stopReplyTo != null) {
      return finishStop();
    }
    if (restartWhenStopped) {
      restartWhenStopped = false;
      return restartNow();
    }
    reports.stoppedByItself(childName());
    tree.state(spec.path(), NodeState.STOPPED);
    if (spec.removeOnStop()) {
      tree.remove(spec.path());
    }
    return Behaviors.stopped();
  }

  private boolean isCurrentChild(Terminated t) {
    return child != null && t.getRef().equals(child);
  }

  private Behavior<Object> onRestartTick() {
    if (degraded || stopReplyTo != null || child != null) {
      return this;
    }
    return restartNow();
  }

  private Behavior<Object> restartNow() {
    spawnChild();
    return buffer.unstashAll(this);
  }

  private Behavior<Object> onControl(Control c) {
    return switch (c) {
      case RESTART -> onRestart();
      case PAUSE -> onPause();
      case RESUME -> onResume();
    };
  }

  private Behavior<Object> onRestart() {
    reports.restartRequested();
    setupCrashes.clear();
    if (degraded || child == null) {
      degraded = false;
      timers.cancel(RestartTick.INSTANCE);
      return restartNow();
    }
    restartWhenStopped = true;
    getContext().stop(child);
    return this;
  }

  private Behavior<Object> onPause() {
    if (child != null && spec.pauseMessage().isPresent() && !paused) {
      child.tell(spec.pauseMessage().get());
      paused = true;
      tree.state(spec.path(), NodeState.PAUSED);
    }
    return this;
  }

  private Behavior<Object> onResume() {
    if (child != null && spec.resumeMessage().isPresent() && paused) {
      child.tell(spec.resumeMessage().get());
      paused = false;
      tree.state(spec.path(), NodeState.RUNNING);
    }
    return this;
  }

  private Behavior<Object> onStop(Stop stop) {
    if (stopReplyTo != null) {
      stop.replyTo().tell(Done.getInstance());
      return this;
    }
    stopReplyTo = stop.replyTo();
    timers.cancel(RestartTick.INSTANCE);
    if (child == null) {
      return finishStop();
    }
    timers.startSingleTimer(StopTimeout.INSTANCE, StopTimeout.INSTANCE, stop.timeout());
    if (spec.stopMessage().isPresent()) {
      ActorRef<Done> ack = getContext().messageAdapter(Done.class, ChildStopped::new);
      child.tell(spec.stopMessage().get().apply(ack));
    } else {
      getContext().stop(child);
    }
    return this;
  }

  private Behavior<Object> onStopTimeout() {
    if (child != null) {
      reports.stopTimedOut(childName());
      getContext().stop(child);
    }
    return this;
  }

  private Behavior<Object> finishStop() {
    timers.cancel(StopTimeout.INSTANCE);
    if (spec.removeOnStop()) {
      tree.remove(spec.path());
    } else {
      tree.state(spec.path(), NodeState.STOPPED);
    }
    stopReplyTo.tell(Done.getInstance());
    return Behaviors.stopped();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Object> onGetChild(GetChild get) {
    get.replyTo().tell(Optional.ofNullable((ActorRef<Void>) (ActorRef<?>) child));
    return this;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c
        && c instanceof org.apache.pekko.actor.ActorInitializationException) {
      c = c.getCause();
    }
    return c;
  }
}
