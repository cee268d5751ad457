package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Solo;
import dev.warden.core.http.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode: three member processes ({@link BuildClusterNodeMain}) on 127.0.0.1 over one H2 TCP journal run the
 * control plane once, as a cluster singleton; each member's drone API reaches it. The member hosting it is killed
 * with SIGKILL; the singleton recovers on another member from the shared journal, and the lease, epoch and fencing
 * state is intact there.
 */
@Solo
class BuildClusterTest {
  @TempDir Path dir;
  private Server h2;
  private String journalUrl;
  private final int[] artery = new int[3];
  private final int[] management = new int[3];
  private final Process[] nodes = new Process[3];
  private final String[] urls = new String[3];

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : nodes) {
      if (p != null) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (h2 != null) {
      h2.stop();
    }
  }

  @Test
  void theControlPlaneRunsOnceAndMovesWithItsFencingStateWhenItsMemberIsKilled() throws Exception {
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
    // parser received no bytes" from a member shutting down). The kill below needs all three Up, as every member sees it.
    for (int i = 0; i < 3; i++) {
      awaitAllUp(i);
    }
    // the oldest member hosts the control plane: which one that is depends on how the cluster formed
    await().atMost(Duration.ofSeconds(60)).until(() -> host() >= 0);
    int host = host();
    int via = (host + 1) % 3;
    int other = (host + 2) % 3;

    // everything through a member that does not host the control plane
    DroneClient operator = new DroneClient(urls[via], "operator", null);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(operator.post("/api/v1/builds/packages", "{\"id\":\"p1\"}").body().path("done").asBoolean()).isTrue());
    DroneClient d1 = new DroneClient(urls[via], "d1", null);
    DroneClient d2 = new DroneClient(urls[other], "d2", null);
    d1.register("{\"cores\":4}");
    d2.register("{\"cores\":4}");
    assertThat(d1.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(1);
    d1.register("{\"cores\":4,\"holding\":[]}"); // d1 lost it: attempt 1 revoked
    assertThat(d2.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(2);
    assertThat(out(via) + out(other)).as("the control plane runs once").doesNotContain("build control plane");

    nodes[host].destroyForcibly(); // SIGKILL: no leave, no hand-over
    assertThat(nodes[host].waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killed = System.nanoTime();

    DroneClient late = new DroneClient(urls[other], "d1", null);
    JsonNode[] stale = new JsonNode[1];
    // during the fail-over a request may time out or its connection drop: a drone tries again
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(UncheckedIOException.class)
        .untilAsserted(() -> {
      DroneClient.Reply r = late.report("p1", 1, "success", "sha256:aa");
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      stale[0] = r.body();
    });
    System.out.printf("build control plane serving again %d ms after the kill of its member%n", (System.nanoTime() - killed) / 1_000_000);
    assertThat(stale[0].path("stale").asBoolean()).as("%s", stale[0]).isTrue();
    assertThat(stale[0].path("action").asText()).isEqualTo("stop_work");
    assertThat(stale[0].path("reassigned_to").asText()).isEqualTo("d2");
    JsonNode ok = new DroneClient(urls[via], "d2", null).report("p1", 2, "success", "sha256:bb").body();
    assertThat(ok.path("accepted").asBoolean()).as("%s", ok).isTrue();
    assertThat(out(via) + out(other)).contains("revoked attempts kept for fencing");
    JsonNode view = operator.get("/api/v1/builds/packages/p1").body();
    assertThat(view.toString()).as("%s", view).contains("SUCCEEDED");
  }

  /** The member whose control plane recovered (the singleton's), or -1. */
  private int host() {
    for (int i = 0; i < 3; i++) {
      if (out(i).contains("build control plane [")) {
        return i;
      }
    }
    return -1;
  }

  private void start(int i) throws IOException {
    String seeds = "127.0.0.1:" + artery[0] + ",127.0.0.1:" + artery[1];
    nodes[i] = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        BuildClusterNodeMain.class.getName(), dir.toString(), journalUrl, Integer.toString(artery[i]), seeds,
        Integer.toString(management[i]))
        .redirectErrorStream(true).redirectOutput(dir.resolve("node-" + i + ".out").toFile()).start();
  }

  private String awaitUrl(int i) throws IOException {
    Path url = dir.resolve("node-" + artery[i] + ".url");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(url) || !nodes[i].isAlive());
    assertThat(Files.exists(url)).as(() -> out(i)).isTrue();
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
      return Files.readString(dir.resolve("node-" + i + ".out"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
