package dev.warden.core;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A child with in-memory state that crashes on request: the unit of the supervision tests. */
final class Counter {
  sealed interface Command permits Increment, Get, Crash, To {}

  record Increment() implements Command {}

  record Get(ActorRef<Integer> replyTo) implements Command {}

  record Crash(String why) implements Command {}

  /** Routes a command to one named child of a {@link #pair} root. */
  record To(String child, Command command) implements Command {}

  static Behavior<Command> create() {
    return counting(0);
  }

  private static Behavior<Command> counting(int n) {
    return Behaviors.receive(Command.class)
        .onMessage(Increment.class, m -> counting(n + 1))
        .onMessage(Get.class, m -> {
          m.replyTo().tell(n);
          return Behaviors.same();
        })
        .onMessage(Crash.class, m -> {
          throw new IllegalStateException(m.why());
        })
        .build();
  }

  /** A kind whose root is a plain counter. */
  static WorkerKind<Command> kind(String name) {
    return WorkerKind.of(name, context -> create());
  }

  /** A kind whose root supervises two counters, "a" and "b", each with its own supervisor. */
  static WorkerKind<Command> pair(String name) {
    return WorkerKind.of(name, kctx -> Behaviors.setup(ctx -> {
          ActorRef<Command> a = kctx.supervise(ctx, "a", Counter::create);
          ActorRef<Command> b = kctx.supervise(ctx, "b", Counter::create);
          return Behaviors.receive(Command.class)
              .onMessage(To.class, m -> {
                ("a".equals(m.child()) ? a : b).tell(m.command());
                return Behaviors.same();
              })
              .build();
        }));
  }

  private Counter() {}
}
