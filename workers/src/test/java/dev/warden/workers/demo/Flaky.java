package dev.warden.workers.demo;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The demo's deliberately faulty kind: it processes items and crashes on a poison one, the way a
 * job crashes on corrupt input. Used by {@code warden demo} and the restart benchmark.
 */
public final class Flaky {
  public sealed interface Command permits Process, GetProcessed {}

  /** Process one item; an item starting with "poison" crashes the worker. */
  public record Process(String item) implements Command {}

  /** Answers how many items this incarnation processed. */
  public record GetProcessed(ActorRef<Integer> replyTo) implements Command {}

  public static final String NAME = "flaky";

  public static WorkerKind<Command> create() {
    return WorkerKind.of(NAME, context -> Behaviors.setup(ctx -> processing(context, 0)));
  }

  private static Behavior<Command> processing(KindContext kctx, int processed) {
    return Behaviors.receive(Command.class)
        .onMessage(Process.class, m -> onProcess(kctx, processed, m))
        .onMessage(GetProcessed.class, m -> {
          m.replyTo().tell(processed);
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> onProcess(KindContext kctx, int processed, Process m) {
    if (m.item().startsWith("poison")) {
      kctx.metrics().counter("poisoned").increment();
      throw new IllegalArgumentException("corrupt input [" + m.item() + "]");
    }
    kctx.metrics().counter("processed").increment();
    return processing(kctx, processed + 1);
  }

  private Flaky() {}
}
