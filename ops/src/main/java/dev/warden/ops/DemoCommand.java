package dev.warden.ops;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.core.jmx.JmxCredentials;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.workers.graveyard.GraveyardDemo;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.llm.LlmDemo;
import dev.warden.workers.llm.LlmKind;
import dev.warden.workers.trial.TrialKind;
import dev.warden.workers.demo.Flaky;
import dev.warden.workers.demo.Tally;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden demo}: a self-contained showcase that exits by itself. A faulty kind crashes on
 * poison input, restarts alone, then goes DEGRADED while its sibling keeps running with its state;
 * a checkpoint runs over JMX; the tree is read over a real JMX connection; the node shuts down.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the self-contained showcase (exits by itself).")
final class DemoCommand implements Callable<Integer> {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final int MAX_RESTARTS = 3;

  @Mixin NodeOptions node;

  @Option(names = "--console", arity = "0..1", fallbackValue = "10s", paramLabel = "DURATION",
      description = "before shutting down, leave the web console up this long (default 10s; e.g. 30s, 2m) and print its URL")
  String console;

  private final PrintStream out = System.out;
  private int step;

  private void step(String text) {
    out.println("[" + (++step) + "] " + text);
  }

  /** A kind's counters, as its MBean shows them. */
  static Map<String, Long> counters(Warden warden, String kind) {
    try {
      javax.management.openmbean.TabularData t = (javax.management.openmbean.TabularData)
          java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(
              new ObjectName("dev.warden:node=\"" + warden.jmxNode() + "\",type=Kind,name=\"" + kind + "\""), "Counters");
      Map<String, Long> out = new java.util.TreeMap<>();
      for (Object row : t.values()) {
        javax.management.openmbean.CompositeData c = (javax.management.openmbean.CompositeData) row;
        out.put((String) c.get("key"), (Long) c.get("value"));
      }
      return out;
    } catch (javax.management.JMException e) {
      return Map.of();
    }
  }

  @Override
  public Integer call() throws Exception {
    Path data = node.data != null ? node.data.toAbsolutePath() : Files.createTempDirectory("warden-demo");
    boolean tempData = node.data == null;
    int port = Ports.freeLoopbackPort();
    Config demo =
        ConfigFactory.parseString(
            "warden.node-name = demo\n"
                + "warden.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n"
                + "warden.jmx.connector { enabled = on, port = " + port + " }\n"
                + "warden.http.port = 0\n"
                + "warden.supervision.kinds.flaky { max-restarts = " + MAX_RESTARTS
                + ", within = 30s, backoff.min = 50ms, backoff.max = 200ms }\n"
                + DemoTrials.CONFIG + LlmDemo.CONFIG + DemoBuilds.CONFIG);
    GraveyardKind graveyard = GraveyardKind.create();
    List<WorkerKind<?>> kinds = List.of(CheckpointerKind.create(), LedgerKind.create(), Flaky.create(),
        Tally.create(Duration.ofMillis(50)), TrialKind.create(), LlmKind.create(), graveyard, DemoBuilds.kind());
    out.println("Warden demo: node [demo], data dir " + data + " (H2 file), JMX on 127.0.0.1:" + port);
    Warden warden = Warden.start(node.overridesOver(demo), kinds);
    out.println("JMX credentials (users monitor and control): " + warden.jmxPasswordFile().map(Path::toString).orElse("-"));
    try {
      step("started kinds " + kindsOf(warden));
      crashLoop(warden);
      step("trials under the memory guard, journaled in the job ledger:");
      DemoTrials.run(warden, data, out);
      step("graveyard: a generated, damaged legacy file imported; damage quarantined with byte offsets:");
      Path gyDir = Files.createDirectories(data.resolve("graveyard-demo"));
      GraveyardDemo.run(Graveyard.of(warden), gyDir, Instant.parse("2026-01-15T00:00:00Z"))
          .forEach(line -> out.println("      " + line));
      step("model calls that hang, answer late, or answer, through the job ledger:");
      LlmDemo.run(warden).forEach(line -> out.println("      " + line));
      step("package builds leased to two drones over the drone protocol (HTTP):");
      DemoBuilds.run(warden, out);
      checkpoint(warden);
      printTree(warden);
      holdConsole(warden);
    } finally {
      step("shutting down (kinds stop in order; the final checkpoint runs last)");
      warden.close();
      out.println("      node stopped cleanly: " + warden.tree().node("/warden").map(TreeNode::getState).orElse("?"));
      if (tempData) {
        deleteTree(data);
      }
    }
    return 0;
  }

  private void crashLoop(Warden warden) throws Exception {
    ActorRef<Flaky.Command> flaky = warden.kind(Flaky.NAME);
    ActorRef<Tally.Command> tally = warden.kind(Tally.NAME);
    long tallyBefore = ask(warden, tally, Tally.GetCount::new);
    step("'flaky' crashes on every poison item (intensity: " + MAX_RESTARTS + " restarts within 30s)");
    flaky.tell(new Flaky.Process("ok-1"));
    out.println("      ok-1 processed, count in this incarnation = " + ask(warden, flaky, Flaky.GetProcessed::new));
    for (int i = 1; i <= MAX_RESTARTS + 1; i++) {
      flaky.tell(new Flaky.Process("poison-" + i));
      int crash = i;
      if (i <= MAX_RESTARTS) {
        waitFor(() -> node(warden, "/warden/flaky").getRestartCount() == crash
            && node(warden, "/warden/flaky").state() == NodeState.RUNNING);
        out.println("      poison-" + i + " -> crash; only /warden/flaky restarted (restarts="
            + node(warden, "/warden/flaky").getRestartCount() + "), /warden/tally "
            + node(warden, "/warden/tally").getState() + " (restarts=" + node(warden, "/warden/tally").getRestartCount() + ")");
      } else {
        waitFor(() -> node(warden, "/warden/flaky").state() == NodeState.DEGRADED);
        out.println("      poison-" + i + " -> " + (i) + " crashes in the window: /warden/flaky is "
            + node(warden, "/warden/flaky").getState() + "; /warden/tally " + node(warden, "/warden/tally").getState()
            + ", runtime " + node(warden, "/warden").getState());
      }
    }
    long tallyAfter = ask(warden, tally, Tally.GetCount::new);
    step("'tally' kept its in-memory state through its sibling's crash loop: count "
        + tallyBefore + " -> " + tallyAfter + ", restarts=" + node(warden, "/warden/tally").getRestartCount());
  }

  private void checkpoint(Warden warden) throws Exception {
    try (JmxTreeReader jmx = login(warden, JmxCredentials.CONTROL_USER)) {
      ObjectName name = new ObjectName("dev.warden:node=\"" + warden.jmxNode() + "\",type=Checkpointer");
      Object result = jmx.connection().invoke(name, "checkpointNow", new Object[0], new String[0]);
      step("checkpoint over JMX (checkpointNow): " + result);
    }
  }

  private void printTree(Warden warden) throws Exception {
    try (JmxTreeReader jmx = login(warden, JmxCredentials.MONITOR_USER)) {
      Map<String, List<TreeNode>> trees = jmx.trees();
      step("supervisor tree, read over JMX:");
      trees.forEach((name, nodes) -> out.print(SupervisorTree.render(nodes).indent(6)));
    }
  }

  /** {@code --console}: the node stays up (kinds, tree and ledger as the demo left them) while a person looks. */
  private void holdConsole(Warden warden) {
    if (console == null) {
      return;
    }
    Duration hold;
    try {
      hold = ConfigFactory.parseString("hold = \"" + console.replace("\"", "") + "\"").getDuration("hold");
    } catch (com.typesafe.config.ConfigException e) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--console must be a duration such as 30s or 2m, but was [" + console + "]");
    }
    if (warden.httpUrl().isEmpty()) {
      step("web console: not shown, the HTTP server is off (warden.http.enabled)");
      return;
    }
    step("web console at " + warden.httpUrl().get() + "/ for " + hold.toSeconds() + "s (open it in a browser"
        + warden.httpTokenFile().map(f -> "; press Token and paste the first line of " + f).orElse("") + ")");
    out.flush();
    LockSupport.parkNanos(hold.toNanos()); // the CLI waiting for a person, not a test waiting for a state
  }

  /** Logs in to the demo node's connector with the credentials the node generated in its data dir. */
  private static JmxTreeReader login(Warden warden, String user) throws IOException {
    String password = JmxCredentials.passwordOf(warden.jmxPasswordFile().orElseThrow(), user);
    return JmxTreeReader.connect(
        new JmxTreeReader.Address("127.0.0.1", warden.settings().jmxConnector().port()), user, password, false);
  }

  private static String kindsOf(Warden warden) {
    return warden.tree().snapshot().stream()
        .filter(n -> n.depth() == 1)
        .map(n -> n.name() + "=" + n.getState())
        .toList()
        .toString();
  }

  private static TreeNode node(Warden warden, String path) {
    return warden.tree().node(path).orElseThrow(() -> new IllegalStateException("no node " + path));
  }

  private static <T, R> R ask(
      Warden warden, ActorRef<T> ref, java.util.function.Function<ActorRef<R>, T> message) throws Exception {
    return AskPattern.<T, R>ask(ref, message::apply, STEP, warden.system().scheduler())
        .toCompletableFuture()
        .get(STEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Polls the in-memory tree (cheap) until {@code condition} holds; fails the demo after a bound. */
  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("demo step did not complete within " + STEP);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
