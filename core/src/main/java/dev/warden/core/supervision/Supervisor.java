package dev.warden.core.supervision;

import dev.warden.core.KindMetrics;
import dev.warden.core.RateLimitedLog;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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

  /** What to supervise. */
  public record Spec<T>(
      String path,
      String kind,
      Supplier<Behavior<T>> child,
      SupervisionSettings settings,
      Optional<T> pauseMessage,
      Optional<T> resumeMessage,
      Optional<Function<ActorRef<Done>, T>> stopMessage,
      boolean removeOnStop) {

    public static <T> Spec<T> of(String path, String kind, Supplier<Behavior<T>> child, SupervisionSettings s) {
      return new Spec<>(path, kind, child, s, Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    public Spec<T> withPause(T pause, T resume) {
      return new Spec<>(path, kind, child, settings, Optional.of(pause), Optional.of(resume), stopMessage, removeOnStop);
    }

    public Spec<T> withStopMessage(Function<ActorRef<Done>, T> stop) {
      return new Spec<>(path, kind, child, settings, pauseMessage, resumeMessage, Optional.of(stop), removeOnStop);
    }

    /** Remove the node from the tree when it stops for good (nested, short-lived nodes). */
    public Spec<T> removedOnStop() {
      return new Spec<>(path, kind, child, settings, pauseMessage, resumeMessage, stopMessage, true);
    }
  }

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

  /** Creates the supervisor; the child is spawned immediately. */
  public static <T> Behavior<Object> create(Spec<T> spec, SupervisorTree tree) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        RESTART_BUFFER, stash -> new Supervisor(ctx, timers, stash, spec, tree))));
  }

  private final TimerScheduler<Object> timers;
  private final StashBuffer<Object> buffer;
  private final Spec<Object> spec;
  private final SupervisorTree tree;
  private final ArrayDeque<Long> crashTimes = new ArrayDeque<>();
  private final RateLimitedLog deadLetterLog;
  private final RateLimitedLog reportLog;
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
      Spec<T> spec,
      SupervisorTree tree) {
    super(ctx);
    this.timers = timers;
    this.buffer = buffer;
    this.spec = (Spec<Object>) spec;
    this.tree = tree;
    this.deadLetterLog = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(10));
    this.reportLog = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), 10);
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
    // Pekko's own failure log is off: the supervisor report is the one line per crash
    CrashWatcher watcher = new CrashWatcher(getContext().getSelf(), spec.settings());
    Behavior<Object> watched = Behaviors.intercept(() -> watcher, spec.child().get());
    SupervisionSettings s = spec.settings();
    SupervisorStrategy strategy =
        s.minBackoff().isZero()
            ? SupervisorStrategy.restart().withLoggingEnabled(false)
            : SupervisorStrategy.restartWithBackoff(s.minBackoff(), s.maxBackoff(), s.randomFactor())
                .withStashCapacity(RESTART_BUFFER)
                .withLoggingEnabled(false);
    Behavior<Object> restarting = Behaviors.supervise(watched).onFailure(Exception.class, strategy);
    // what the restart strategy lets through (intensity exceeded, errors) stops the child; the
    // DEGRADED line or the respawn report below says so once, without a second error log
    Behavior<Object> b =
        Behaviors.supervise(restarting)
            .onFailure(Throwable.class, SupervisorStrategy.stop().withLoggingEnabled(false));
    child = getContext().spawn(b, childName());
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
      deadLetterLog.warn(
          "supervisor [{}] dropped a [{}] to dead letters: child is {}",
          spec.path(),
          msg.getClass().getSimpleName(),
          degraded ? "DEGRADED" : stopReplyTo != null ? "stopping" : "restarting and its buffer is full");
    }
    return this;
  }

  /** The child crashed and Pekko restarts it in place (after the backoff). */
  private Behavior<Object> onCrashed(CrashWatcher.Crashed crash) {
    totalRestarts++;
    long now = System.currentTimeMillis();
    String message = describe(crash.cause());
    tree.update(spec.path(), n -> n.withFailure(message, now, true).withState(NodeState.RESTARTING, now));
    reportLog.warn(
            "SUPERVISOR REPORT supervisor=[{}] child=[{}] kind=[{}] cause=[{}] restart=[{}] ({} within {})",
            spec.path(),
            childName(),
            spec.kind(),
            message,
            totalRestarts,
            crash.inWindow(),
            spec.settings().within(),
            // the stack trace once per window: a crash loop repeats the same one
            crash.inWindow() == 1 ? crash.cause() : null);
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
    // failed outside the restart strategy (e.g. in setup): respawn under the same window
    crashTimes.addLast(now);
    long windowStart = now - spec.settings().within().toMillis();
    while (!crashTimes.isEmpty() && crashTimes.peekFirst() < windowStart) {
      crashTimes.removeFirst();
    }
    if (crashTimes.size() > spec.settings().maxRestarts()) {
      return degrade(crashTimes.size(), cause, now);
    }
    onCrashed(new CrashWatcher.Crashed(cause, crashTimes.size()));
    Duration backoff = spec.settings().backoffFor(crashTimes.size());
    if (backoff.isZero()) {
      return restartNow();
    }
    timers.startSingleTimer(RestartTick.INSTANCE, RestartTick.INSTANCE, backoff);
    return this;
  }

  private Behavior<Object> degrade(int crashes, Throwable cause, long now) {
    degraded = true;
    String message = describe(cause);
    tree.update(spec.path(), n -> n.withFailure(message, now, false).withState(NodeState.DEGRADED, now));
    getContext()
        .getLog()
        .error(
            "kind [{}] DEGRADED: supervisor [{}] saw [{}] crashes within [{}], more than max-restarts [{}];"
                + " child parked, siblings keep running; last cause: {}",
            spec.kind(),
            spec.path(),
            crashes,
            spec.settings().within(),
            spec.settings().maxRestarts(),
            message,
            cause);
    return buffer.unstashAll(this);
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + ": " + t.getMessage();
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
    getContext().getLog().info("supervisor [{}] child [{}] stopped by itself", spec.path(), childName());
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
    switch (c) {
      case RESTART:
        getContext().getLog().info("supervisor [{}] restart requested by operator", spec.path());
        crashTimes.clear();
        if (degraded || child == null) {
          degraded = false;
          timers.cancel(RestartTick.INSTANCE);
          return restartNow();
        }
        restartWhenStopped = true;
        getContext().stop(child);
        return this;
      case PAUSE:
        if (child != null && spec.pauseMessage().isPresent() && !paused) {
          child.tell(spec.pauseMessage().get());
          paused = true;
          tree.state(spec.path(), NodeState.PAUSED);
        }
        return this;
      case RESUME:
        if (child != null && spec.resumeMessage().isPresent() && paused) {
          child.tell(spec.resumeMessage().get());
          paused = false;
          tree.state(spec.path(), NodeState.RUNNING);
        }
        return this;
      default:
        return this;
    }
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
      getContext()
          .getLog()
          .warn("supervisor [{}] child [{}] did not stop within its timeout; stopping it now", spec.path(), childName());
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
