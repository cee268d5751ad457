package dev.warden.workers.llm;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ClusterMember;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportRequest;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Test program for {@code dev.warden.workers.build.SingletonsKillTest}: one cluster member running the llm,
 * graveyard and build kinds (so it may host their singletons, {@code warden-llm-permits},
 * {@code warden-graveyard-journal} and the build control plane), a {@link ClusterMember} (shared journal
 * {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]}) with Pekko Management on {@code args[4]},
 * model limit 2. Its HTTP API's URL (the drone API) is written to {@code <args[0]>/node-<port>.url}. Prints
 * {@code READY}, then {@code STORED n} (its graveyard's patterns) each time that changes, and runs the commands it
 * reads on stdin, one a line, answering on stdout: {@code acquire T} / {@code release T} (a permit of model
 * {@code m} for ticket T: {@code GRANTED T} once given), {@code record I SYMBOL} ({@code RECORDED I}, or
 * {@code RECORD FAILED I ...}) and {@code import PATH} ({@code IMPORTED n STORED s}: patterns imported, and the
 * writer's count after). Runs until killed, or until its stdin ends.
 */
public final class SingletonsNodeMain {
  private SingletonsNodeMain() {}

  public static void main(String[] args) {
    ClusterMember.run(args, args[4], conf -> start(conf + "warden.llm.bulkhead.default-max-concurrency = 2\n"
        + "warden.llm.idle.check-interval = 200ms\n"
        + "warden.graveyard.cluster.follow-interval = 300ms\n"
        + "warden.graveyard.journal.ask-timeout = 20s\n"));
  }

  /** The legacy record of pattern {@code i}, as a graveyard file holds it. */
  public static String pattern(int i, String symbol) {
    return "(:NAME \"TREND-" + symbol + "-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"" + symbol + "\"\n"
        + " :SL 0.3" + (i % 10) + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n";
  }

  private static Warden start(String conf) throws Exception {
    Warden node = Warden.start(ConfigFactory.parseString(conf), LlmKind.create(), GraveyardKind.create(), BuildKind.create());
    // the ledger kind starts Pekko Management, these kinds do not: the test reads the member list there
    PekkoManagement.get(node.system().classicSystem()).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Graveyard graveyard = Graveyard.of(node);
    graveyard.whenReady().toCompletableFuture().get(60, TimeUnit.SECONDS);
    ActorRef<LlmCoordinator.Command> coordinator = node.kind(LlmKind.NAME);
    daemon("figures", () -> watch(graveyard));
    daemon("commands", () -> commands(node, coordinator, graveyard));
    say("READY");
    return node;
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private static void commands(Warden node, ActorRef<LlmCoordinator.Command> coordinator, Graveyard graveyard) {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = in.readLine()) != null) {
        command(line.trim().split(" "), coordinator, graveyard);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      node.close(); // the test closed our stdin: ClusterMember.run sees the ActorSystem end and exits
    }
  }

  private static void command(String[] c, ActorRef<LlmCoordinator.Command> coordinator, Graveyard graveyard) {
    switch (c[0]) {
      case "acquire" -> {
        CompletableFuture<Void> grant = new CompletableFuture<>();
        grant.thenRun(() -> say("GRANTED " + c[1]));
        coordinator.tell(new LlmCoordinator.Acquire(c[1], "m", grant));
      }
      case "release" -> coordinator.tell(new LlmCoordinator.Release(c[1], "m", "c", 60, 10, LlmCoordinator.Outcome.COMPLETED));
      case "record" -> graveyard.record(LegacyRecord.parse(pattern(Integer.parseInt(c[1]), c[2])))
          .whenComplete((done, e) -> say(e == null ? "RECORDED " + c[1] : "RECORD FAILED " + c[1] + " " + e));
      case "import" -> graveyard.importFiles(ImportRequest.of(Path.of(c[1])))
          .whenComplete((r, e) -> say(e == null ? "IMPORTED " + r.imported() + " STORED " + r.storedPatterns() : "IMPORT FAILED " + e));
      default -> say("UNKNOWN COMMAND " + String.join(" ", c));
    }
  }

  /** Prints the pattern count the test waits for whenever it changes: a test program polling itself, not a test waiting. */
  private static void watch(Graveyard graveyard) {
    long stored = -1;
    while (true) {
      if (graveyard.storedPatterns() != stored) {
        stored = graveyard.storedPatterns();
        say("STORED " + stored);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
