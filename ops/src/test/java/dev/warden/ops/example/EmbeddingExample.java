package dev.warden.ops.example;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.checkpoint.Checkpointer;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The README's embedding snippet, compiled and run by {@code EmbeddingExampleTest}. */
public final class EmbeddingExample {

  // README:kind-begin
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
  // README:kind-end

  /** Starts a node in {@code dataDir}, greets once through the kind, closes the node. */
  public static String run(String dataDir) {
    // README:begin
    try (Warden warden = Warden.start(
        ConfigFactory.parseString("warden.node-name = billing\nwarden.data-dir = \"" + dataDir + "\""),
        CheckpointerKind.create(), new Greeter())) {
      ActorRef<Greeter.Greet> greeter = warden.kind("greeter");   // stable across the kind's restarts
      return AskPattern.<Greeter.Greet, String>ask(
              greeter, replyTo -> new Greeter.Greet("world", replyTo), Duration.ofSeconds(5), warden.system().scheduler())
          .toCompletableFuture()
          .join();
    } // close(): kinds stop in shutdown order, then the final checkpoint runs; idempotent
    // README:end
  }

  private EmbeddingExample() {}
}
