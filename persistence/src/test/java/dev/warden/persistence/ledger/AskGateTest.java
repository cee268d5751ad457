package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AskGate} on its own (cluster mode's bound on a member's asks): with one slot and two places
 * in its queue, asks go out one at a time in the order they came, a wait past the call's deadline
 * fails without ever being sent, and the queue's bound fails at once naming its key; a call asked
 * again (a result wait) is queued past that bound.
 */
class AskGateTest {
  private final Config config = ConfigFactory.parseString("warden.ledger.cluster { max-asks-in-flight = 1, max-queued-asks = 2 }")
      .withFallback(ConfigFactory.load());
  private final ActorTestKit kit = ActorTestKit.create("ask-gate", config);
  private final AskGate gate = new AskGate(kit.system(), config, AskGate.ASKS);
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void asksBeyondTheBoundWaitInOrderAndAWaitPastTheDeadlineIsNeverSent() throws Exception {
    long later = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    CompletableFuture<String> firstReply = new CompletableFuture<>();
    CompletableFuture<String> first = gate.ask(later, () -> send("first", firstReply));
    CompletableFuture<String> soon = gate.ask(System.nanoTime() + Duration.ofMillis(200).toNanos(),
        () -> send("soon", CompletableFuture.completedFuture("soon")));
    CompletableFuture<String> second = gate.ask(later, () -> send("second", CompletableFuture.completedFuture("second")));
    CompletableFuture<String> third = gate.ask(later, () -> send("third", CompletableFuture.completedFuture("third")));

    assertThat(third).as("beyond the queue's bound: failed at once").isCompletedExceptionally();
    assertThatThrownBy(third::join).hasCauseInstanceOf(LedgerBusyException.class)
        .hasMessageContaining("warden.ledger.cluster.max-queued-asks").hasMessageContaining("nothing was recorded");
    assertThat(gate.inFlight()).isEqualTo(1);
    assertThat(gate.queued()).isEqualTo(2);

    assertThatThrownBy(() -> soon.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("never sent");
    assertThat(sent).as("nothing else sent while the first is unanswered").containsExactly("first");
    firstReply.complete("first");
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
    assertThat(sent).as("sent one at a time, in order; the expired wait never").containsExactly("first", "second");
    assertThat(gate.peakInFlight()).isEqualTo(1);
    assertThat(gate.inFlight()).isZero();
    assertThat(gate.queued()).isZero();
  }

  @Test
  void aWaitAskedAgainIsQueuedPastTheBoundWhereANewOneIsTurnedAwayNamingTheWaitsKey() throws Exception {
    Config one = ConfigFactory.parseString("warden.ledger.cluster { max-waits-in-flight = 1, max-queued-waits = 1 }").withFallback(config);
    AskGate waits = new AskGate(kit.system(), one, AskGate.WAITS);
    long later = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    CompletableFuture<String> firstReply = new CompletableFuture<>();
    CompletableFuture<String> first = waits.ask(later, () -> send("first", firstReply));
    CompletableFuture<String> queued = waits.ask(later, () -> send("queued", CompletableFuture.completedFuture("queued")));
    CompletableFuture<String> refused = waits.ask(later, () -> send("refused", CompletableFuture.completedFuture("refused")));
    CompletableFuture<String> again = waits.askAgain(later, () -> send("again", CompletableFuture.completedFuture("again")));

    assertThatThrownBy(refused::join).hasCauseInstanceOf(LedgerBusyException.class)
        .hasMessageContaining("result() waits").hasMessageContaining("warden.ledger.cluster.max-queued-waits");
    assertThat(again).as("asked again: queued past the bound").isNotDone();
    assertThat(waits.queued()).isEqualTo(2);
    firstReply.complete("first");
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("queued");
    assertThat(again.get(5, TimeUnit.SECONDS)).isEqualTo("again");
    assertThat(sent).containsExactly("first", "queued", "again");
    assertThat(waits.peakInFlight()).isEqualTo(1);
  }

  private CompletableFuture<String> send(String name, CompletableFuture<String> reply) {
    sent.add(name);
    return reply;
  }
}
