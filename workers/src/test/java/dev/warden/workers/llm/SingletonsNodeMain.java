package dev.warden.workers.llm;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportRequest;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Test program for {@link SingletonsKillTest}: one cluster member running the llm and graveyard kinds (so it may
 * host both singletons, {@code warden-llm-permits} and {@code warden-graveyard-journal}) on the shared journal
 * {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]} (comma-separated host:port), model limit 2.
 * Prints {@code READY}, then {@code MEMBERS n} (members up) and {@code STORED n} (its graveyard's patterns) each
 * time they change, and runs the commands it reads on stdin, one a line, answering on stdout:
 * {@code acquire T} / {@code release T} (a permit of model {@code m} for ticket T: {@code GRANTED T} once given),
 * {@code record I SYMBOL} ({@code RECORDED I}, or {@code RECORD FAILED I ...}) and {@code import PATH}
 * ({@code IMPORTED n STORED s}: patterns imported, and the writer's count after). Runs until killed.
 */
public final class SingletonsNodeMain {
  private SingletonsNodeMain() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      say("NODE FAILED: " + t);
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }

  static String pattern(int i, String symbol) {
    return "(:NAME \"TREND-" + symbol + "-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"" + symbol + "\"\n"
        + " :SL 0.3" + (i % 10) + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n";
  }

  private static void run(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String name = "node-" + args[2];
    StringBuilder seeds = new StringBuilder();
    for (String s : args[3].split(",")) {
      seeds.append(seeds.length() == 0 ? "" : ", ").append('"').append(s).append('"');
    }
    String conf = "warden.node-name = \"" + name + "\"\n"
        + "warden.data-dir = \"" + dir.resolve(name).toAbsolutePath() + "\"\n"
        + "warden.jmx.enabled = off\n"
        + "warden.persistence.h2.url = \"" + args[1] + "\"\n"
        + "warden.llm.bulkhead.default-max-concurrency = 2\n"
        + "warden.llm.idle.check-interval = 200ms\n"
        + "warden.graveyard.cluster.follow-interval = 300ms\n"
        + "warden.graveyard.journal.ask-timeout = 20s\n"
        + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
        + " min-nr-of-members = 2, management.port = 0 }\n";
    Warden node = Warden.start(ConfigFactory.parseString(conf), LlmKind.create(), GraveyardKind.create());
    Graveyard graveyard = Graveyard.of(node);
    graveyard.whenReady().toCompletableFuture().get(60, TimeUnit.SECONDS);
    ActorRef<LlmCoordinator.Command> coordinator = node.kind(LlmKind.NAME);
    Thread watcher = new Thread(() -> watch(node, graveyard), "figures");
    watcher.setDaemon(true);
    watcher.start();
    say("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      command(line.trim().split(" "), coordinator, graveyard);
    }
    node.close(); // the test closed our stdin
    System.exit(0);
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

  /** Prints the figures the test waits for whenever they change: a test program polling itself, not a test waiting. */
  private static void watch(Warden node, Graveyard graveyard) {
    long members = -1;
    long stored = -1;
    while (true) {
      long up = 0;
      for (Member m : Cluster.get(node.system()).state().getMembers()) {
        up += m.status() == MemberStatus.up() ? 1 : 0;
      }
      if (up != members) {
        members = up;
        say("MEMBERS " + up);
      }
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
