package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane in a child JVM, killed with SIGKILL and started again on the same H2 file: the revoked
 * attempts are journaled, so a report of one is still answered stale, with the package's new holder.
 */
class BuildNodeCrashTest {
  @TempDir Path dir;
  private final List<Process> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (Process p : nodes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String node(String name) throws IOException {
    Path out = dir.resolve(name + ".out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        BuildNodeMain.class.getName(), dir.resolve("data").toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    nodes.add(p);
    // the node's line, not logback's own status lines (which also say "URL [...]")
    Pattern url = Pattern.compile("URL (http://\\S+)");
    await().atMost(Duration.ofSeconds(40)).until(() -> url.matcher(Files.readString(out)).find() || !p.isAlive());
    String text = Files.readString(out);
    Matcher m = url.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void theRevokedLeaseListIsIntactAfterAKill9OfTheControlPlaneAndARestart() throws Exception {
    String url = node("first");
    DroneClient operator = new DroneClient(url, "operator", null);
    assertThat(operator.post("/api/v1/builds/packages", "{\"id\":\"p1\"}").body().path("done").asBoolean()).isTrue();
    DroneClient d1 = new DroneClient(url, "d1", null);
    DroneClient d2 = new DroneClient(url, "d2", null);
    d1.register("{\"cores\":4}");
    d2.register("{\"cores\":4}");
    assertThat(d1.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(1);
    d1.register("{\"cores\":4,\"holding\":[]}"); // d1 lost it: attempt 1 revoked
    assertThat(d2.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(2);

    Process first = nodes.get(0);
    first.destroyForcibly(); // SIGKILL: no shutdown hook
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);

    String again = node("second");
    DroneClient late = new DroneClient(again, "d1", null);
    JsonNode stale = late.report("p1", 1, "success", "sha256:aa").body();
    assertThat(stale.path("stale").asBoolean()).as("%s", stale).isTrue();
    assertThat(stale.path("action").asText()).isEqualTo("stop_work");
    assertThat(stale.path("reassigned_to").asText()).isEqualTo("d2");
    JsonNode ok = new DroneClient(again, "d2", null).report("p1", 2, "success", "sha256:bb").body();
    assertThat(ok.path("accepted").asBoolean()).as("%s", ok).isTrue();
    assertThat(Files.readString(dir.resolve("second.out"))).contains("revoked attempts kept for fencing");
  }
}
