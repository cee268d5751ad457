package dev.warden.core.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A child whose failure fails its parent too. For an event-sourced child above all: when its journal
 * fails a write or a recovery, Pekko stops it with that failure (its own stop supervision), which no
 * {@code Behaviors.supervise} around it sees, so a parent holding its ref would go on sending to a
 * dead actor for good. Watched, the child's failure reaches the parent as an unhandled
 * {@code ChildFailed} (a {@code DeathPactException}): the parent fails, and its own supervisor (a
 * restart with backoff) restarts it, which spawns the child afresh.
 */
public final class BoundChild {
  private BoundChild() {}

  /** Spawns {@code child} as {@code name} under {@code ctx} and binds the parent's life to it (see above). */
  public static <T> ActorRef<T> spawn(ActorContext<?> ctx, Behavior<T> child, String name) {
    ActorRef<T> ref = ctx.spawn(child, name);
    ctx.watch(ref);
    return ref;
  }
}
