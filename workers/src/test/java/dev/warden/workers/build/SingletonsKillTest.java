package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Solo;
import dev.warden.core.http.ApiClient;
import dev.warden.workers.llm.SingletonsNodeMain;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode, the three singletons that keep state for the whole cluster, in one cluster of three member
 * processes ({@link SingletonsNodeMain}) on 127.0.0.1 over one H2 TCP journal: the llm kind's permit accounting
 * ({@code warden-llm-permits}, not journaled), the graveyard's pattern journal writer
 * ({@code warden-graveyard-journal}) and the build kind's control plane, which each member's drone API reaches.
 * All three run once, on the oldest member; it is killed with SIGKILL, and all three come back on one survivor
 * with their state: the permits the dead member's calls held are free again, the permits the survivors hold are
 * still counted (the model's limit of 2 holds, nothing leaks); every pattern recorded before the kill is still
 * there, and the new writer takes records and imports with nothing lost or doubled; the control plane recovers
 * from the shared journal with its lease, epoch and fencing state intact (a stale report is told to stop, the
 * current attempt's is accepted). One cluster and one kill for all three: each costs ~15 s to form and ~13 s to
 * fail over.
 */
@Solo
class SingletonsKillTest {
  private static final String PERMITS_STARTED = "llm permit accounting started on this member";
  private static final String WRITER_RECOVERED = "graveyard journal [";
  private static final String CONTROL_PLANE_RECOVERED = "build control plane [";
  private static final Pattern STORED = Pattern.compile("(?m)^STORED (\\d+)$");

  @TempDir Path dir;
  private Server h2;
  private String journalUrl;
  private final int[] artery = new int[3];
  private final int[] management = new int[3];
  private final Process[] nodes = new Process[3];
  private final Writer[] stdin = new Writer[3];
  private final String[] urls = new String[3];

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : nodes) {
      if (p != null) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (h2 != null) {
      h2.stop();
    }
  }

  @Test
  void theSingletonsComeBackOnASurvivorWithTheirStateWhenTheirMemberIsKilled() throws Exception {
    try {
      killTheSingletonsMember();
    } catch (Throwable t) {
      for (int i = 0; i < 3; i++) { // the members' own lines, which the temporary directory takes with it
        String out = out(i);
        System.out.println("---- member " + i + " (last lines)\n" + out.substring(Math.max(0, out.length() - 12_000)));
      }
      throw t;
    }
  }

  private void killTheSingletonsMember() throws Exception {
    formCluster();
    // the singletons on the oldest member, which one that is depends on how the cluster formed
    await().atMost(Duration.ofSeconds(60)).until(() -> hosts(PERMITS_STARTED).size() == 1 && hosts(WRITER_RECOVERED).size() == 1
        && hosts(CONTROL_PLANE_RECOVERED).size() == 1);
    int host = hosts(PERMITS_STARTED).get(0);
    assertThat(hosts(WRITER_RECOVERED)).containsExactly(host);
    assertThat(hosts(CONTROL_PLANE_RECOVERED)).containsExactly(host);
    int a = (host + 1) % 3;
    int b = (host + 2) % 3;

    // builds, everything through members that do not host the control plane: d1's attempt 1 revoked, d2 holds 2
    DroneClient operator = new DroneClient(urls[a], "operator", null);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(operator.post("/api/v1/builds/packages", "{\"id\":\"p1\"}").body().path("done").asBoolean()).isTrue());
    DroneClient d1 = new DroneClient(urls[a], "d1", null);
    DroneClient d2 = new DroneClient(urls[b], "d2", null);
    d1.register("{\"cores\":4}");
    d2.register("{\"cores\":4}");
    assertThat(d1.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(1);
    d1.register("{\"cores\":4,\"holding\":[]}"); // d1 lost it: attempt 1 revoked
    assertThat(d2.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(2);
    assertThat(out(a) + out(b)).as("the control plane runs once").doesNotContain("build control plane");

    // model m, limit 2: the host's call and a's hold both permits, b's two wait
    send(host, "acquire h-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> granted(host, "h-1"));
    send(a, "acquire a-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> granted(a, "a-1"));
    send(b, "acquire b-1");
    send(b, "acquire b-2");
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !granted(b, "b-1") && !granted(b, "b-2"));

    // patterns: 10 recorded through the two members that will survive, 40 imported (the import runs on the host)
    for (int i = 0; i < 5; i++) {
      send(a, "record " + i + " USDJPY");
      send(b, "record " + (5 + i) + " GBPUSD");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> recorded(0, 10));
    Path legacy = dir.resolve("graveyard.sexp");
    Files.writeString(legacy, patterns(0, 40, "EURUSD"), StandardCharsets.UTF_8);
    send(b, "import " + legacy);
    await().atMost(Duration.ofSeconds(30)).until(() -> out(b).contains("IMPORTED "));
    assertThat(out(b)).contains("IMPORTED 40 ");
    for (int i = 0; i < 3; i++) {
      int n = i;
      await().atMost(Duration.ofSeconds(10)).until(() -> stored(n) == 50);
    }

    nodes[host].destroyForcibly(); // SIGKILL: no leave, no hand-over
    assertThat(nodes[host].waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killed = System.nanoTime();

    // d1's late report of its revoked attempt, sent until the control plane answers again (beside the waits below)
    CompletableFuture<JsonNode> stale = CompletableFuture.supplyAsync(() -> staleReport(new DroneClient(urls[b], "d1", null)));
    // the dead member's permit is free again: b's first waiter gets it, beside a's, which the new singleton adopted
    long[] back = timesUntil(killed, () -> granted(b, "b-1"), () -> hosts(WRITER_RECOVERED).size() == 2, stale::isDone);
    System.out.printf("after the kill of their member: permits granted again after %d ms, pattern writer recovered after %d ms,"
        + " build control plane serving again after %d ms%n", back[0], back[1], back[2]);

    assertThat(stale.join().path("stale").asBoolean()).as("%s", stale.join()).isTrue();
    assertThat(stale.join().path("action").asText()).isEqualTo("stop_work");
    assertThat(stale.join().path("reassigned_to").asText()).isEqualTo("d2");
    JsonNode ok = new DroneClient(urls[a], "d2", null).report("p1", 2, "success", "sha256:bb").body();
    assertThat(ok.path("accepted").asBoolean()).as("%s", ok).isTrue();
    assertThat(out(a) + out(b)).contains("revoked attempts kept for fencing");
    JsonNode view = operator.get("/api/v1/builds/packages/p1").body();
    assertThat(view.toString()).as("%s", view).contains("SUCCEEDED");

    // records through both survivors reach the new writer, each sent once (a write sent before the cluster saw the
    // death goes to the dead member and fails at its ask timeout: the caller's to retry, not this test's)
    for (int i = 10; i < 15; i++) {
      send(a, "record " + i + " AUDUSD");
      send(b, "record " + (5 + i) + " NZDUSD");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> recorded(10, 20) || (out(a) + out(b)).contains("RECORD FAILED"));
    assertThat(out(a) + out(b)).as("no record failed").doesNotContain("RECORD FAILED");
    int newHost = hosts(PERMITS_STARTED).stream().filter(i -> i != host).findFirst().orElseThrow();
    assertThat(hosts(PERMITS_STARTED)).as("the permit singleton started once more, on one survivor").containsExactlyInAnyOrder(host, newHost);
    assertThat(hosts(WRITER_RECOVERED)).as("the writer recovered on the same survivor").containsExactlyInAnyOrder(host, newHost);
    assertThat(hosts(CONTROL_PLANE_RECOVERED)).as("the control plane recovered on the same survivor")
        .containsExactlyInAnyOrder(host, newHost);

    // a-1 and b-1 hold the two permits: b-2 waits until one is given back
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> !granted(b, "b-2"));
    send(a, "release a-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> granted(b, "b-2"));
    send(b, "release b-1");
    send(b, "release b-2");
    // nothing leaked and nothing left over: with every permit given back, exactly two of three new calls get one
    send(a, "acquire n-1");
    send(a, "acquire n-2");
    send(a, "acquire n-3");
    await().atMost(Duration.ofSeconds(10)).until(() -> granted(a, "n-1") && granted(a, "n-2"));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !granted(a, "n-3"));

    // the new writer recovered everything: the same file again imports nothing, its new tail only itself
    send(a, "import " + legacy);
    await().atMost(Duration.ofSeconds(30)).until(() -> out(a).contains("IMPORTED "));
    assertThat(out(a)).contains("IMPORTED 0 ");
    Files.writeString(legacy, patterns(40, 50, "EURUSD"), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    send(a, "import " + legacy);
    await().atMost(Duration.ofSeconds(30)).until(() -> out(a).contains("IMPORTED 10 "));
    assertThat(out(a)).contains("IMPORTED 10 ");
    for (int n : List.of(a, b)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stored(n) == 70);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> stored(n) == 70);
    }
  }

  private void formCluster() throws Exception {
    h2 = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-baseDir", dir.toString(), "-ifNotExists").start();
    journalUrl = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + dir.resolve("journal").toAbsolutePath() + ";WRITE_DELAY=0";
    for (int i = 0; i < 3; i++) {
      artery[i] = freePort();
      management[i] = freePort();
    }
    for (int i = 0; i < 3; i++) {
      start(i);
    }
    for (int i = 0; i < 3; i++) {
      urls[i] = awaitUrl(i);
    }
    // A member still Joining does not count for the split-brain resolver: with two Up and one Joining, the kill of
    // an Up member is a tie (1 of 2 unreachable) that keep-majority breaks towards the lowest address, which can be
    // the killed member's, and then both survivors down themselves (a loaded run: ConnectException, or "header
    // parser received no bytes" from a member shutting down). The kill needs all three Up, as every member sees it.
    for (int i = 0; i < 3; i++) {
      awaitAllUp(i);
    }
  }

  /** Sends the report of d1's revoked attempt 1 until the control plane answers it, and returns the answer. */
  private static JsonNode staleReport(DroneClient late) {
    JsonNode[] stale = new JsonNode[1];
    // during the fail-over a request may time out or its connection drop: a drone tries again
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(UncheckedIOException.class)
        .untilAsserted(() -> {
          DroneClient.Reply r = late.report("p1", 1, "success", "sha256:aa");
          assertThat(r.status()).as("%s", r).isEqualTo(200);
          stale[0] = r.body();
        });
    return stale[0];
  }

  /** Waits until every condition held once, and returns the ms from {@code since} at which each was first seen. */
  private static long[] timesUntil(long since, BooleanSupplier... conditions) {
    long[] times = new long[conditions.length];
    Arrays.fill(times, -1);
    await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (int i = 0; i < conditions.length; i++) {
        if (times[i] < 0 && conditions[i].getAsBoolean()) {
          times[i] = (System.nanoTime() - since) / 1_000_000;
        }
      }
      return Arrays.stream(times).allMatch(t -> t >= 0);
    });
    return times;
  }

  private static String patterns(int from, int to, String symbol) {
    StringBuilder s = new StringBuilder();
    IntStream.range(from, to).forEach(i -> s.append(SingletonsNodeMain.pattern(i, symbol)));
    return s.toString();
  }

  /** Members whose output has {@code line}. */
  private List<Integer> hosts(String line) {
    return IntStream.range(0, 3).filter(i -> out(i).contains(line)).boxed().toList();
  }

  private boolean granted(int node, String ticket) {
    return out(node).contains("GRANTED " + ticket + "\n");
  }

  /** Whether records {@code from..to-1} were acknowledged (through whichever member they were sent). */
  private boolean recorded(int from, int to) {
    String all = out(0) + out(1) + out(2);
    return IntStream.range(from, to).allMatch(i -> all.contains("RECORDED " + i + "\n"));
  }

  /** The member's last printed pattern count, or -1. */
  private long stored(int node) {
    Matcher m = STORED.matcher(out(node));
    long last = -1;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  private void send(int node, String command) throws IOException {
    stdin[node].write(command + "\n");
    stdin[node].flush();
  }

  private void start(int i) throws IOException {
    String seeds = "127.0.0.1:" + artery[0] + ",127.0.0.1:" + artery[1];
    nodes[i] = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        SingletonsNodeMain.class.getName(), dir.toString(), journalUrl, Integer.toString(artery[i]), seeds,
        Integer.toString(management[i]))
        .redirectErrorStream(true).redirectOutput(dir.resolve("node-" + i + ".out").toFile()).start();
    stdin[i] = new OutputStreamWriter(nodes[i].getOutputStream(), StandardCharsets.UTF_8);
  }

  /** Waits until member {@code i} is READY (its graveyard too) and has written its HTTP API's URL. */
  private String awaitUrl(int i) throws IOException {
    Path url = dir.resolve("node-" + artery[i] + ".url");
    await().atMost(Duration.ofSeconds(90)).until(() -> out(i).contains("READY") && Files.exists(url) || !nodes[i].isAlive());
    assertThat(nodes[i].isAlive()).as(() -> out(i)).isTrue();
    return Files.readString(url).trim();
  }

  /** Waits until member {@code i} sees three members, all Up, none unreachable (Pekko Management's member list). */
  private void awaitAllUp(int i) {
    ApiClient members = new ApiClient("http://127.0.0.1:" + management[i], null);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(UncheckedIOException.class)
        .untilAsserted(() -> {
          JsonNode m = members.get("/cluster/members").body();
          assertThat(m.path("members").findValuesAsText("status")).as("member %d sees %s; its output:%n%s", i, m, out(i))
              .containsExactly("Up", "Up", "Up");
          assertThat(m.path("unreachable")).as("member %d sees %s", i, m).isEmpty();
        });
  }

  private String out(int i) {
    try {
      // bytes, not readString: a line caught half-written must not fail the read
      return new String(Files.readAllBytes(dir.resolve("node-" + i + ".out")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
