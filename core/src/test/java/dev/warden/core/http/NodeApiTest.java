package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own routes over real HTTP on 127.0.0.1 (no token): health, tree, kinds and their controls, errors. */
class NodeApiTest {
  @TempDir static Path data;
  private static final AtomicBoolean echoReady = new AtomicBoolean();
  private static Warden warden;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    warden = Warden.start(
        ConfigFactory.parseString(
            "warden.node-name = http-node\n"
                + "warden.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n"
                + "warden.jmx.enabled = off\n"
                + "warden.http { enabled = on, generate-token = off, port = 0, max-body = 1KiB }\n"
                + "warden.supervision.kinds.faulty { max-restarts = 0, backoff.min = 0ms, backoff.max = 0ms }\n"),
        TestKinds.crashy("faulty"), TestKinds.pausable("steady"), TestKinds.echo("echo", echoReady));
    api = new ApiClient(warden.httpUrl().orElseThrow(), null);
  }

  @AfterAll
  static void stop() {
    warden.close();
  }

  @Test
  void theBoundPortIsReadableFromTheNodeWhenPortZeroAskedForAFreeOne() {
    assertThat(warden.httpAddress().orElseThrow().getPort()).isPositive();
    assertThat(warden.httpUrl().orElseThrow()).isEqualTo("http://127.0.0.1:" + warden.httpAddress().orElseThrow().getPort());
  }

  @Test
  void readyWaitsForEveryKindsCheckAndListsDegradedKinds() {
    assertThat(api.get("/alive").status()).isEqualTo(200);
    ApiClient.Reply notYet = api.get("/ready");
    assertThat(notYet.status()).isEqualTo(503);
    assertThat(notYet.body().path("ready").asBoolean()).isFalse();
    assertThat(notYet.body().path("checks").get(0).path("detail").asText()).isEqualTo("echo is warming up");

    echoReady.set(true);
    ApiClient.Reply ready = api.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().path("checks").get(0).path("ready").asBoolean()).isTrue();
  }

  @Test
  void aDegradedKindShowsInTheTreeAndInReadyAndAnHttpRestartBringsItBack() {
    warden.<TestKinds.Msg>kind("faulty").tell(TestKinds.Msg.CRASH);
    await().atMost(Duration.ofSeconds(10)).until(() -> state("/warden/faulty").equals("DEGRADED"));
    JsonNode degraded = api.get("/ready").body().path("degraded");
    assertThat(degraded).hasSize(1);
    assertThat(degraded.get(0).path("path").asText()).isEqualTo("/warden/faulty");
    assertThat(degraded.get(0).path("lastFailure").asText()).contains("crashed on request");
    JsonNode kind = api.get("/api/v1/kinds/faulty").body();
    assertThat(kind.path("state").asText()).isEqualTo("DEGRADED");
    assertThat(kind.path("lastFailure").asText()).contains("crashed on request");

    ApiClient.Reply restart = api.post("/api/v1/kinds/faulty/restart");
    assertThat(restart.status()).isEqualTo(202);
    assertThat(restart.body().path("sent").asText()).isEqualTo("restart");
    await().atMost(Duration.ofSeconds(10)).until(() -> state("/warden/faulty").equals("RUNNING"));
    assertThat(api.get("/ready").body().path("degraded")).isEmpty();
  }

  @Test
  void theTreeListsEveryKindWithStateRestartsAndUptime() {
    JsonNode tree = api.get("/api/v1/tree").body();
    assertThat(tree.path("node").asText()).isEqualTo("http-node");
    List<String> paths = new ArrayList<>();
    tree.path("nodes").forEach(n -> paths.add(n.path("path").asText()));
    assertThat(paths).contains("/warden", "/warden/echo", "/warden/faulty", "/warden/steady");
    JsonNode steady = node(tree, "/warden/steady");
    assertThat(steady.path("kind").asText()).isEqualTo("steady");
    assertThat(steady.path("depth").asInt()).isEqualTo(1);
    assertThat(steady.has("restartCount")).isTrue();
    assertThat(steady.has("lastFailure")).isTrue();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> node(api.get("/api/v1/tree").body(), "/warden/steady").path("uptimeMillis").asLong() > 0);
  }

  @Test
  void kindsCanBePausedResumedAndSentTheirOperationsAsOverJmx() {
    JsonNode kinds = api.get("/api/v1/kinds").body().path("kinds");
    assertThat(kinds).hasSize(3);
    JsonNode steady = api.get("/api/v1/kinds/steady").body();
    assertThat(steady.path("pausable").asBoolean()).isTrue();
    assertThat(steady.path("operations").get(0).asText()).isEqualTo("bump");

    assertThat(api.post("/api/v1/kinds/steady/pause").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> state("/warden/steady").equals("PAUSED"));
    assertThat(api.post("/api/v1/kinds/steady/resume").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> state("/warden/steady").equals("RUNNING"));

    assertThat(api.post("/api/v1/kinds/steady/operations/bump").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> api.get("/api/v1/kinds/steady").body().path("counters").path("bumps").asLong() == 1);

    ApiClient.Reply notPausable = api.post("/api/v1/kinds/echo/pause");
    assertThat(notPausable.status()).isEqualTo(409);
    assertThat(notPausable.error()).contains("cannot be paused");
    ApiClient.Reply noKind = api.post("/api/v1/kinds/nope/restart");
    assertThat(noKind.status()).isEqualTo(404);
    assertThat(noKind.field()).isEqualTo("name");
    ApiClient.Reply noOp = api.post("/api/v1/kinds/steady/operations/explode");
    assertThat(noOp.status()).isEqualTo(404);
    assertThat(noOp.field()).isEqualTo("operation");
    assertThat(noOp.error()).contains("[bump]");
  }

  @Test
  void unknownRoutesAndWrongMethodsAnswerJsonErrors() {
    ApiClient.Reply unknown = api.get("/api/v1/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("no such route");
    assertThat(api.get("/favicon.ico").status()).isEqualTo(404);
    ApiClient.Reply wrongMethod = api.get("/api/v1/kinds/steady/restart");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.error()).contains("POST");
    assertThat(wrongMethod.raw().headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void aKindsRoutesReadJsonBodiesAndNameWhatIsWrong() {
    ApiClient.Reply ok = api.post("/api/v1/echo", "{\"text\":\"hi\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body().path("text").asText()).isEqualTo("hi");

    ApiClient.Reply broken = api.post("/api/v1/echo", "{\"text\": \"hi\",");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.field()).isEqualTo("body");
    assertThat(broken.error()).contains("not valid JSON").contains("line 1");

    ApiClient.Reply notObject = api.post("/api/v1/echo", "[1,2]");
    assertThat(notObject.status()).isEqualTo(400);
    assertThat(notObject.error()).contains("must be a JSON object");

    ApiClient.Reply missing = api.post("/api/v1/echo", "{\"n\": 1}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.field()).isEqualTo("text");

    ApiClient.Reply wrongType = api.post("/api/v1/echo", "{\"text\": 5}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.field()).isEqualTo("text");
    assertThat(wrongType.error()).contains("must be a string");

    ApiClient.Reply misspelt = api.post("/api/v1/echo", "{\"txet\": \"hi\"}");
    assertThat(misspelt.status()).isEqualTo(400);
    assertThat(misspelt.field()).isEqualTo("txet");
  }

  @Test
  void aBodyOverMaxBodyIsRefusedWith413AsJson() {
    String big = "{\"text\":\"" + "x".repeat(2000) + "\"}";
    ApiClient.Reply tooBig = api.post("/api/v1/echo", big);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.error()).contains("warden.http.max-body");
    // streamed without a length, it is cut at the bound as well
    ApiClient.Reply chunked = api.send(api.request("/api/v1/echo").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))));
    assertThat(chunked.status()).isEqualTo(413);
    // and the node still answers
    assertThat(api.post("/api/v1/echo", "{\"text\":\"after\"}").status()).isEqualTo(200);
  }

  @Test
  void theOpenApiDocumentListsTheNodesPathsAndEachKindsOwn() {
    JsonNode doc = api.get("/api/v1/openapi.json").body();
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    assertThat(doc.path("paths").has("/api/v1/kinds/{name}/restart")).isTrue();
    assertThat(doc.path("paths").has("/ready")).isTrue();
    assertThat(doc.path("paths").path("/api/v1/echo").path("post").path("summary").asText()).isEqualTo("echoes");
  }

  private static String state(String path) {
    return node(api.get("/api/v1/tree").body(), path).path("state").asText();
  }

  private static JsonNode node(JsonNode tree, String path) {
    for (JsonNode n : tree.path("nodes")) {
      if (n.path("path").asText().equals(path)) {
        return n;
      }
    }
    throw new AssertionError("no node " + path + " in " + tree);
  }
}
