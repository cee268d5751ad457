package dev.warden.workers.demo;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The demo's healthy sibling: counts timer ticks in memory. Its count surviving a sibling's crash
 * loop shows that a crash restarts only the failing child. Supports pause and resume.
 */
public final class Tally {
  public sealed interface Command permits GetCount, Tick, Pause, Resume {}

  public record GetCount(ActorRef<Long> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  enum Pause implements Command {
    INSTANCE
  }

  enum Resume implements Command {
    INSTANCE
  }

  public static final String NAME = "tally";

  public static WorkerKind<Command> create(Duration tick) {
    return new WorkerKind<>() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public Behavior<Command> rootBehavior(KindContext context) {
        return Behaviors.withTimers(timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
          return counting(context, 0, false);
        });
      }

      @Override
      public Optional<Command> pauseMessage() {
        return Optional.of(Pause.INSTANCE);
      }

      @Override
      public Optional<Command> resumeMessage() {
        return Optional.of(Resume.INSTANCE);
      }

      @Override
      public Map<String, Command> operations() {
        return Map.of("tick", Tick.INSTANCE);
      }
    };
  }

  private static Behavior<Command> counting(KindContext kctx, long count, boolean paused) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, () -> {
          if (paused) {
            return Behaviors.same();
          }
          kctx.metrics().counter("ticks").increment();
          return counting(kctx, count + 1, false);
        })
        .onMessageEquals(Pause.INSTANCE, () -> counting(kctx, count, true))
        .onMessageEquals(Resume.INSTANCE, () -> counting(kctx, count, false))
        .onMessage(GetCount.class, m -> {
          m.replyTo().tell(count);
          return Behaviors.same();
        })
        .build();
  }

  private Tally() {}
}
