package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Warden;
import dev.warden.core.http.ApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submit answered over HTTP is journaled: jobs submitted to a node process through its API (with a
 * bearer token from the environment) are all there after a kill -9 of that process, read back over
 * the API of the next node on the same database.
 */
class HttpSubmitCrashTest {
  private static final String TOKEN = "crash-test-token-0123456789";

  @TempDir Path dir;
  private Process child;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void jobsSubmittedOverHttpSurviveAKill9OfTheNodeProcess() throws Exception {
    Path out = dir.resolve("node.out");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        HttpNodeMain.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("WARDEN_HTTP_TOKEN", TOKEN);
    child = pb.start();
    Path url = dir.resolve("url");
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(url) || !child.isAlive());
    assertThat(child.isAlive()).as(() -> "node process ended:\n" + read(out)).isTrue();

    ApiClient api = new ApiClient(Files.readString(url), TOKEN);
    assertThat(new ApiClient(Files.readString(url), null).post("/api/v1/jobs", "{\"id\":\"x\",\"type\":\"hang\"}").status())
        .as("the token from the environment is required").isEqualTo(401);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "crash-" + i;
      ApiClient.Reply r = api.post("/api/v1/jobs", "{\"id\":\"" + id + "\",\"type\":\"hang\",\"payload\":{\"n\":" + i + "}}");
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      ids.add(id);
    }
    child.destroyForcibly(); // SIGKILL right after the last answer: no drain, no shutdown hook
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    try (Warden next = LedgerNode.start(dir, "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0 }\n")) {
      ApiClient again = new ApiClient(next.httpUrl().orElseThrow(), null);
      await().atMost(Duration.ofSeconds(30)).until(() -> again.get("/ready").status() == 200);
      for (String id : ids) {
        ApiClient.Reply r = again.get("/api/v1/jobs/" + id);
        assertThat(r.status()).as(id).isEqualTo(200);
        assertThat(r.body().path("type").asText()).isEqualTo("hang");
        JsonNode first = again.get("/api/v1/jobs/" + id + "/history").body().path("events").get(0);
        assertThat(first.path("event").asText()).isEqualTo("Submitted");
        assertThat(first.path("payload").asText()).startsWith("{\"n\":");
      }
      JsonNode page = again.get("/api/v1/jobs?type=hang&limit=500").body();
      assertThat(page.path("jobs")).hasSize(ids.size());
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
