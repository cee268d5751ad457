package dev.warden.persistence;

import dev.warden.core.WardenSerializable;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A journaled counter for tests: each increment is one event; stopping writes a last event. */
final class Counter extends EventSourcedBehavior<Counter.Command, Counter.Event, Counter.State> {
  private static final Logger log = LoggerFactory.getLogger(Counter.class);

  sealed interface Command permits Increment, Get, FinishAndStop {}

  record Increment(ActorRef<Done> replyTo) implements Command {}

  record Get(ActorRef<State> replyTo) implements Command {}

  /** Persists {@link Closed}, then stops. */
  record FinishAndStop(ActorRef<Done> replyTo) implements Command {}

  sealed interface Event extends WardenSerializable permits Incremented, Closed {}

  record Incremented(int by) implements Event {}

  record Closed(int count) implements Event {}

  record State(int count, int closedEvents) {}

  static Behavior<Command> create(String id) {
    return Behaviors.setup(ctx -> new Counter(id));
  }

  private final String id;

  private Counter(String id) {
    super(PersistenceId.ofUniqueId(id));
    this.id = id;
  }

  @Override
  public State emptyState() {
    return new State(0, 0);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Increment.class, (s, c) -> Effect().persist(new Incremented(1)).thenReply(c.replyTo(), x -> Done.getInstance()))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(FinishAndStop.class, this::onFinishAndStop)
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Event, State> onFinishAndStop(State s, FinishAndStop c) {
    return Effect()
        .persist(new Closed(s.count()))
        .thenRun(after -> log.info("counter [{}] persisted final event at count [{}]", id, after.count()))
        .thenStop()
        .thenReply(c.replyTo(), x -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (s, e) -> new State(s.count() + e.by(), s.closedEvents()))
        .onEvent(Closed.class, (s, e) -> new State(s.count(), s.closedEvents() + 1))
        .build();
  }
}
