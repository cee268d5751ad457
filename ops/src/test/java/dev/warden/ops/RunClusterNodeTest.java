package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `warden run --cluster` as a one-member cluster: every kind runs (the llm permits, the build control plane and
 * the graveyard's writer as cluster singletons), the node becomes ready, and the build and graveyard APIs answer.
 */
class RunClusterNodeTest {
  @TempDir Path work;

  @Test
  void aClusterMemberRunsEveryKindWithItsSingletons() throws Exception {
    int artery = Ports.freeLoopbackPort();
    Path conf = Files.writeString(work.resolve("cluster.conf"), "warden {\n"
        + "  node-name = \"member-1\"\n  data-dir = \"" + work.resolve("data") + "\"\n"
        + "  jmx.connector.enabled = off\n  http { enabled = on, generate-token = off, port = 0 }\n"
        + "  cluster { port = " + artery + ", seed-nodes = [\"127.0.0.1:" + artery + "\"], management.port = "
        + Ports.freeLoopbackPort() + " }\n}\n");
    try (WardenProcess node = WardenProcess.start(work, "run", "--cluster", "--config", conf.toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> node.output().contains("cluster member pekko://")
          && node.output().contains("HTTP API at http://127.0.0.1:"));
      Matcher url = Pattern.compile("HTTP API at (http://127\\.0\\.0\\.1:\\d+)/api/v1").matcher(node.output());
      assertThat(url.find()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(60)).until(() -> get(http, url.group(1) + "/ready").statusCode() == 200);
      assertThat(get(http, url.group(1) + "/api/v1/kinds").body())
          .contains("\"name\":\"ledger\"", "\"name\":\"graveyard\"", "\"name\":\"llm\"", "\"name\":\"build\"");
      HttpResponse<String> submit = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/builds/packages"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"p1\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(submit.body()).as("%s", submit).contains("\"done\":true");
      assertThat(get(http, url.group(1) + "/api/v1/builds/packages/p1").body()).contains("QUEUED");
      await().atMost(Duration.ofSeconds(30)).until(() -> node.output().contains("graveyard replica"));
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
