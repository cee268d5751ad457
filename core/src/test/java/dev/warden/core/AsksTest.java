package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AsksTest {
  record Echo(String text, ActorRef<String> replyTo) {}

  record Check(int n, ActorRef<StatusReply<Integer>> replyTo) {}

  // made in @BeforeAll: a surefire rerun of a failed test comes after @AfterAll terminated the first system
  static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "asks", ConfigFactory.parseString("pekko.loglevel = WARNING"));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void dependentsRunOnTheSystemDispatcherNotOnAThreadPerCallback() throws Exception {
    CompletableFuture<ActorRef<String>> asked = new CompletableFuture<>();
    ActorRef<Echo> holder = system.systemActorOf(Behaviors.<Echo>receiveMessage(m -> {
      asked.complete(m.replyTo()); // answered below, once the dependent is attached
      return Behaviors.same();
    }), "holder", org.apache.pekko.actor.typed.Props.empty());
    CompletableFuture<String> thread =
        Asks.<Echo, String>ask(system, holder, r -> new Echo("hi", r), Duration.ofSeconds(5))
            .thenApply(text -> text + " on " + Thread.currentThread().getName());
    asked.get(5, TimeUnit.SECONDS).tell("hi");
    // Pekko's own stage would run this on ForkJoinPool.commonPool, or on a fresh thread where the
    // common pool has parallelism 1 (2 cores)
    assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("hi on asks-pekko.actor.default-dispatcher-");
  }

  @Test
  void statusErrorsAndTimeoutsFailTheFuture() {
    ActorRef<Check> check = system.systemActorOf(Behaviors.<Check>receiveMessage(m -> {
      m.replyTo().tell(m.n() > 0 ? StatusReply.success(m.n()) : StatusReply.error("n must be > 0, but was " + m.n()));
      return Behaviors.same();
    }), "check", org.apache.pekko.actor.typed.Props.empty());
    assertThat(Asks.<Check, Integer>askWithStatus(system, check, r -> new Check(3, r), Duration.ofSeconds(5)).join()).isEqualTo(3);
    assertThatThrownBy(() -> Asks.<Check, Integer>askWithStatus(system, check, r -> new Check(-1, r), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("n must be > 0, but was -1");
    ActorRef<Echo> silent = system.systemActorOf(Behaviors.<Echo>ignore(), "silent", org.apache.pekko.actor.typed.Props.empty());
    assertThatThrownBy(() -> Asks.<Echo, String>ask(system, silent, r -> new Echo("x", r), Duration.ofMillis(50)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }
}
