package dev.warden.core.supervision;

import dev.warden.core.WardenMdc;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.MDC;

/**
 * How a {@link Supervisor} runs one incarnation of its child: inside Pekko's restart strategy (with
 * backoff, so the mailbox survives a crash) a {@link CrashWatcher} counts the crashes; what the
 * strategy lets through stops the child; and around it all the kind's name is in the MDC of
 * whatever the child logs.
 */
final class ChildBehavior {
  private ChildBehavior() {}

  static Behavior<Object> of(ChildSpec<Object> spec, ActorRef<Object> supervisor) {
    // Pekko's own failure log is off: the supervisor report is the one line per crash
    CrashWatcher watcher = new CrashWatcher(supervisor, spec.settings(), spec.outage());
    Behavior<Object> watched = Behaviors.intercept(() -> watcher, spec.child().get());
    SupervisionSettings s = spec.settings();
    SupervisorStrategy strategy =
        s.minBackoff().isZero()
            ? SupervisorStrategy.restart().withLoggingEnabled(false)
            : SupervisorStrategy.restartWithBackoff(s.minBackoff(), s.maxBackoff(), s.randomFactor())
                .withStashCapacity(Supervisor.RESTART_BUFFER)
                .withLoggingEnabled(false);
    Behavior<Object> restarting = Behaviors.supervise(watched).onFailure(Exception.class, strategy);
    // what the restart strategy lets through (intensity exceeded, errors) stops the child; the
    // DEGRADED line or the respawn report says so once, without a second error log
    Behavior<Object> stopping =
        Behaviors.supervise(restarting)
            .onFailure(Throwable.class, SupervisorStrategy.stop().withLoggingEnabled(false));
    return Behaviors.intercept(() -> new KindMdc(spec.kind()), stopping);
  }

  /**
   * Puts {@link WardenMdc#KIND} in the MDC around the child's start, messages and signals. Not
   * {@code Behaviors.withMdc}: Pekko keeps only the outermost {@code withMdc} of an actor, so
   * wrapping every child in one would silently drop a kind's own (a job id per message); this one
   * adds its key and leaves the rest alone.
   */
  private static final class KindMdc extends BehaviorInterceptor<Object, Object> {
    private final String kind;

    KindMdc(String kind) {
      super(Object.class);
      this.kind = kind;
    }

    @Override
    public Behavior<Object> aroundStart(TypedActorContext<Object> ctx, PreStartTarget<Object> target) {
      return withKind(() -> target.start(ctx));
    }

    @Override
    public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      return withKind(() -> target.apply(ctx, msg));
    }

    @Override
    public Behavior<Object> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
      return withKind(() -> target.apply(ctx, signal));
    }

    private Behavior<Object> withKind(Supplier<Behavior<Object>> step) {
      MDC.put(WardenMdc.KIND, kind);
      try {
        return step.get();
      } finally {
        MDC.remove(WardenMdc.KIND);
      }
    }
  }
}
