package dev.warden.workers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.supervision.BoundChild;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The graveyard's cluster writer and the build control plane host an event-sourced child inside a
 * cluster singleton. A journal that fails a write stops such a child for good (Pekko's own stop; the
 * {@code Behaviors.supervise} around it never sees the failure), and the host kept sending to the dead
 * child: every later record or build call went unanswered until the node restarted. Bound to its host
 * ({@link BoundChild}), the child's failure fails the host, whose supervision restarts both.
 */
class BoundChildTest {
  private final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  record Add(ActorRef<Integer> replyTo) {}

  /** Journals one event per {@link Add}; answers how many it holds. */
  static final class Tally extends EventSourcedBehavior<Add, String, Integer> {
    Tally() {
      super(PersistenceId.ofUniqueId("tally"));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Add, String, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Add.class, (n, a) -> Effect().persist("added").thenReply(a.replyTo(), after -> after))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((n, e) -> n + 1);
    }
  }

  @Test
  void anEventSourcedChildWhoseJournalFailedComesBackWithItsHost() {
    SupervisorStrategy backoff = SupervisorStrategy.restartWithBackoff(Duration.ofMillis(10), Duration.ofMillis(100), 0);
    Behavior<Add> host = Behaviors.supervise(Behaviors.<Add>setup(ctx -> {
      ActorRef<Add> child = BoundChild.spawn(ctx, Behaviors.supervise(new Tally()).onFailure(backoff), "tally");
      return Behaviors.receiveMessage(m -> {
        child.tell(m);
        return Behaviors.same();
      });
    })).onFailure(backoff);
    ActorRef<Add> ref = kit.spawn(host, "host");
    TestProbe<Integer> probe = kit.createTestProbe();
    ref.tell(new Add(probe.ref()));
    probe.expectMessage(1);

    journal.failNextPersisted();
    ref.tell(new Add(probe.ref())); // its write fails: the child stops for good, the host with it
    // calls that reach the dead child before the host restarts are lost: ask again until one is answered
    Integer count = probe.awaitAssert(Duration.ofSeconds(5), () -> {
      ref.tell(new Add(probe.ref()));
      return probe.expectMessageClass(Integer.class, Duration.ofMillis(200));
    });
    assertTrue(count >= 2, "the restarted child recovered the journaled count: " + count);
  }
}
