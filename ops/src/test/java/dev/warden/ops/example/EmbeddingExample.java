package dev.warden.ops.example;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.checkpoint.Checkpointer;
import java.time.Duration;
import dev.warden.persistence.Persistence;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The embedding samples of README.md and docs/embedding.md, compiled and run by
 * {@code EmbeddingExampleTest}; {@code DocSamplesTest} checks that the pages show the marked regions.
 */
public final class EmbeddingExample {

  // doc:begin own-kind
  /** A host's own worker kind: greets, and counts greetings on its kind MBean. */
  public static final class Greeter implements WorkerKind<Greeter.Greet> {
    public record Greet(String name, ActorRef<String> replyTo) {}

    @Override
    public String name() {
      return "greeter";
    }

    @Override
    public Behavior<Greet> rootBehavior(KindContext ctx) {
      return Behaviors.receiveMessage(greet -> {
        ctx.metrics().counter("greeted").increment();
        greet.replyTo().tell("hello, " + greet.name());
        return Behaviors.same();
      });
    }
  }
  // doc:end own-kind

  /** Starts a node in {@code dataDir}, greets once through the kind, closes the node. */
  public static String run(String dataDir) {
    // doc:begin own-kind-start
    try (Warden warden = Warden.start(
        ConfigFactory.parseString("warden.node-name = billing\nwarden.data-dir = \"" + dataDir + "\""),
        CheckpointerKind.create(), new Greeter())) {
      ActorRef<Greeter.Greet> greeter = warden.kind("greeter");   // stable across the kind's restarts
      return AskPattern.<Greeter.Greet, String>ask(
              greeter, replyTo -> new Greeter.Greet("world", replyTo), Duration.ofSeconds(5), warden.system().scheduler())
          .toCompletableFuture()
          .join();
    } // close(): kinds stop in shutdown order, then the final checkpoint runs; idempotent
    // doc:end own-kind-start
  }

  /** The README's sample: a node with the ledger, one job type, one job and its result. */
  public static String runJob(String dataDir) {
    // doc:begin embed
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());   // the checkpointer
    kinds.add(LedgerKind.create());
    try (Warden warden = Warden.start(ConfigFactory.parseString("warden.data-dir = \"" + dataDir + "\""), kinds)) {
      JobLedger jobs = JobLedger.of(warden);
      jobs.register(JobType.of("greet", (name, ctx) -> CompletableFuture.completedFuture("hello, " + name)));
      jobs.submit("greet", "greet-1", "world").toCompletableFuture().join();   // journaled: survives a crash from here
      return jobs.result("greet-1").toCompletableFuture().join();              // "hello, world"
    } // close(): kinds stop in order, then the final checkpoint runs
    // doc:end embed
  }

  private EmbeddingExample() {}
}
