package dev.warden.persistence;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/** A writing kind (shutdown order 0) whose stop message persists one last event. */
final class CounterKind implements WorkerKind<Counter.Command> {
  static final String ID = "counter-1";

  @Override
  public String name() {
    return "counter";
  }

  @Override
  public Behavior<Counter.Command> rootBehavior(KindContext context) {
    return Counter.create(ID);
  }

  @Override
  public Optional<Function<ActorRef<Done>, Counter.Command>> stopMessage() {
    return Optional.of(Counter.FinishAndStop::new);
  }
}
