package dev.warden.core.supervision;

import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Sits inside the child's Pekko restart supervision and survives its restarts (one instance per
 * child actor, touched only by that actor's thread). It counts crashes in the sliding window,
 * tells the owning {@link Supervisor} about each crash and each completed restart, and turns the
 * crash that exceeds the intensity into {@link IntensityExceeded}, which the restart strategy
 * does not handle, so the child fails for good and its supervisor parks it as DEGRADED. A crash
 * that the child's {@link ChildSpec#outage} accepts (its database is away) is reported but not
 * counted: the child restarts with the strategy's backoff for as long as the outage lasts.
 */
final class CrashWatcher extends BehaviorInterceptor<Object, Object> {

  /** The crash past max-restarts; an Error so that the restart strategy (on Exception) lets it through. */
  static final class IntensityExceeded extends Error {
    private static final long serialVersionUID = 1L;
    final int crashes;

    IntensityExceeded(Throwable cause, int crashes) {
      super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
      this.crashes = crashes;
    }
  }

  /** {@code outage}: caused by the child's environment, not counted in {@code inWindow} ({@link ChildSpec#outage}). */
  record Crashed(Throwable cause, int inWindow, boolean outage) {
    Crashed(Throwable cause, int inWindow) {
      this(cause, inWindow, false);
    }
  }

  record Restarted() {}

  private final ActorRef<Object> supervisor;
  private final int maxRestarts;
  private final CrashWindow crashes;
  private final Predicate<Throwable> outage;
  private boolean restarting;

  CrashWatcher(ActorRef<Object> supervisor, SupervisionSettings settings, Predicate<Throwable> outage) {
    super(Object.class);
    this.supervisor = supervisor;
    this.maxRestarts = settings.maxRestarts();
    this.crashes = new CrashWindow(settings.within());
    this.outage = outage;
  }

  @Override
  public Behavior<Object> aroundStart(TypedActorContext<Object> ctx, PreStartTarget<Object> target) {
    try {
      Behavior<Object> started = target.start(ctx);
      if (restarting) {
        restarting = false;
        supervisor.tell(new Restarted());
      }
      return started;
    } catch (RuntimeException e) {
      throw crashed(e);
    }
  }

  @Override
  public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
    try {
      return target.apply(ctx, msg);
    } catch (RuntimeException e) {
      throw crashed(e);
    }
  }

  @Override
  public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
    try {
      return target.apply(ctx, signal);
    } catch (RuntimeException e) {
      throw crashed(e);
    }
  }

  private RuntimeException crashed(RuntimeException e) {
    if (outage.test(e)) { // its environment failed, not the child: restarted, not counted
      restarting = true;
      supervisor.tell(new Crashed(e, crashes.count(System.currentTimeMillis()), true));
      return e;
    }
    int inWindow = crashes.crashed(System.currentTimeMillis());
    if (inWindow > maxRestarts) {
      throw new IntensityExceeded(e, inWindow);
    }
    restarting = true;
    supervisor.tell(new Crashed(e, inWindow));
    return e;
  }
}
