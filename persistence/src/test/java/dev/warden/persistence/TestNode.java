package dev.warden.persistence;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** Starts real Warden nodes on a data directory and talks to their kinds. */
public final class TestNode {
  private TestNode() {}

  public static Warden start(Path dataDir, String extraConfig, WorkerKind<?>... kinds) {
    String conf = "warden.data-dir = \"" + dataDir.toAbsolutePath() + "\"\n" + extraConfig;
    return Warden.start(ConfigFactory.parseString(conf), kinds);
  }

  public static <T, R> R ask(Warden warden, String kind, Function<ActorRef<R>, T> message) {
    ActorRef<T> ref = warden.kind(kind);
    return await(AskPattern.ask(ref, message::apply, Duration.ofSeconds(10), warden.system().scheduler()));
  }

  public static <R> R await(CompletionStage<R> stage) {
    try {
      return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  /** The JDBC URL the node's journal uses for {@code dataDir} (the module's defaults). */
  public static String url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath() + "/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE";
  }
}
