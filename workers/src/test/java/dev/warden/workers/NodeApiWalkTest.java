package dev.warden.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.http.ApiClient;
import dev.warden.core.process.MemoryProbe;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.build.Builds;
import dev.warden.workers.build.MachineKind;
import dev.warden.workers.build.Registration;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportRequest;
import dev.warden.workers.llm.ChatMessage;
import dev.warden.workers.llm.FakeModelServer;
import dev.warden.workers.llm.Interaction;
import dev.warden.workers.llm.Llm;
import dev.warden.workers.llm.LlmKind;
import dev.warden.workers.llm.ModelApi;
import dev.warden.workers.llm.ModelCall;
import dev.warden.workers.trial.Study;
import dev.warden.workers.trial.TrialKind;
import dev.warden.workers.trial.Trials;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with every kind (ledger, checkpointer, graveyard, trial, llm) and its HTTP API on 127.0.0.1:
 * every operation of the OpenAPI document it serves answers (not 404, not 5xx) with a status the
 * document lists, and the worker kinds' routes show what their facades know.
 */
class NodeApiWalkTest {
  @TempDir static Path dir;
  private static final FakeModelServer model = FakeModelServer.start();
  private static Warden warden;
  private static ApiClient api;

  /** Path parameters of the walk: each names something that exists on the node. */
  private static final Map<String, String> FIXTURES = Map.of(
      "name", "checkpointer", "operation", "checkpointNow", "id", "img-42", "type", "resize", "study", "lr-sweep",
      "drone", "d1", "release", "r1");

  @BeforeAll
  static void start() throws Exception {
    GraveyardKind graveyard = GraveyardKind.create();
    warden = Warden.start(ConfigFactory.parseString(
            "warden.node-name = walk\nwarden.data-dir = \"" + dir.resolve("data") + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, generate-token = off, port = 0 }\n"
                + "warden.ledger.partitions = 4\n"
                + "warden.trial { workers = 1, stop-grace = 300ms }\n"
                + "warden.llm.idle { threshold = 300ms, check-interval = 50ms }\n"),
        LedgerKind.create(), CheckpointerKind.create(), graveyard, TrialKind.create(MemoryProbe.proc()), LlmKind.create(),
        BuildKind.create());
    api = new ApiClient(warden.httpUrl().orElseThrow(), null);

    JobLedger ledger = JobLedger.of(warden);
    ledger.register(JobType.of("resize", (payload, ctx) -> CompletableFuture.completedFuture("{\"resized\":true}")));
    join(ledger.submit("resize", "img-42", "{\"w\":640}"));
    join(ledger.result("img-42"));

    Builds builds = Builds.of(warden);
    join(builds.submit("img-42", Set.of()));
    join(builds.register(Registration.fresh("d1", 4, Set.of(), MachineKind.VM)));

    Trials trials = Trials.of(warden);
    Study sweep = new Study("lr-sweep", List.of("/bin/sh", "-c", "echo \"WARDEN:RESULT {\\\"loss\\\": {lr}}\""),
        List.of(Map.of("lr", "0.5"), Map.of("lr", "0.25"), Map.of("lr", "0.75")), "loss", false);
    join(trials.submit(sweep));
    join(trials.best(sweep));

    Graveyard g = Graveyard.of(warden);
    join(g.whenReady());
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      file.append("(:NAME \"TREND-").append(i).append("\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\"\n :SL 0.3")
          .append(i).append(" :TP 1.2d0 :SHARPE -0.42)\n");
      if (i == 1) {
        file.append("))\n");
      }
    }
    join(g.importFiles(ImportRequest.of(Files.writeString(dir.resolve("graveyard.sexp"), file.toString()))));

    model.script("m", FakeModelServer.answer("hello"));
    Llm llm = Llm.of(warden);
    String id = join(llm.submit(Interaction.of("chat",
        ModelCall.chat(ModelApi.OLLAMA_CHAT, model.uri(), "m", List.of(new ChatMessage("user", "hi"))))));
    join(llm.result(id));
  }

  @AfterAll
  static void stop() {
    warden.close();
    model.close();
  }

  @Test
  void everyOperationOfTheOpenApiDocumentAnswersWithAStatusItLists() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/ready").status() == 200);
    JsonNode doc = api.get("/api/v1/openapi.json").body();
    List<String> walked = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (String method : List.of("get", "post")) {
        JsonNode op = p.getValue().get(method);
        if (op == null) {
          continue;
        }
        List<JsonNode> params = new ArrayList<>();
        p.getValue().path("parameters").forEach(x -> params.add(resolve(doc, x)));
        op.path("parameters").forEach(x -> params.add(resolve(doc, x)));
        String url = p.getKey();
        List<String> query = new ArrayList<>();
        for (JsonNode param : params) {
          String name = param.path("name").asText();
          if (param.path("in").asText().equals("path")) {
            assertThat(FIXTURES).as("a fixture for path parameter " + name + " of " + p.getKey()).containsKey(name);
            url = url.replace("{" + name + "}", URLEncoder.encode(FIXTURES.get(name), StandardCharsets.UTF_8));
          } else if (param.path("required").asBoolean()) {
            assertThat(param.has("example")).as("an example for required parameter " + name + " of " + p.getKey()).isTrue();
            query.add(name + "=" + URLEncoder.encode(param.get("example").asText(), StandardCharsets.UTF_8));
          }
        }
        String full = url + (query.isEmpty() ? "" : "?" + String.join("&", query));
        JsonNode example = op.path("requestBody").path("content").path("application/json").path("example");
        if (op.path("responses").path("200").path("content").has("text/event-stream")) {
          assertThat(firstLineOfStream(full)).as("GET " + full).startsWith("200 data:{");
          walked.add(method.toUpperCase() + " " + p.getKey());
          continue;
        }
        ApiClient.Reply r = method.equals("get") ? api.get(full)
            : example.isMissingNode() ? api.post(full) : api.post(full, example.toString());
        String what = method.toUpperCase() + " " + full + " -> " + r.status() + " " + r.body();
        assertThat(r.status()).as(what).isNotEqualTo(404).isLessThan(500);
        assertThat(op.path("responses").has(Integer.toString(r.status()))).as("documented: " + what).isTrue();
        walked.add(method.toUpperCase() + " " + p.getKey());
      }
    }
    assertThat(walked).as("the node's own routes and every kind's").contains(
        "GET /api/v1/tree", "POST /api/v1/kinds/{name}/restart", "POST /api/v1/jobs", "GET /api/v1/jobs/{id}/history",
        "GET /api/v1/llm/conversations", "GET /api/v1/graveyard/should-avoid", "GET /api/v1/trials/studies/{study}/best",
        "POST /api/v1/builds/drones/{drone}/report", "POST /api/v1/builds/releases/{release}/promote");
    assertThat(walked).hasSizeGreaterThanOrEqualTo(29);
  }

  /** A server-sent event stream never ends: its status and first line, then it is closed. */
  private static String firstLineOfStream(String path) throws Exception {
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(warden.httpUrl().orElseThrow() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      return r.statusCode() + " " + new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void metricsCarryEveryKindsFiguresTheLlmLatencyPerConversationAndTheTrialsCounters() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String m = api.get("/metrics").raw().body();
      for (String kind : List.of("ledger", "checkpointer", "graveyard", "trial", "llm", "build")) {
        assertThat(m).contains("warden_kind_state{kind=\"" + kind + "\",state=\"running\"} 1.0\n");
      }
      assertThat(m)
          .contains("# TYPE warden_llm_latency_seconds gauge\n")
          .containsPattern("warden_llm_latency_seconds\\{conversation=\"chat\",quantile=\"0.99\"} \\d")
          .contains("warden_llm_timeout_configured_seconds{conversation=\"chat\"} 120.0\n")
          .contains("warden_llm_permits{model=\"m\"}")
          .contains("warden_trial_trials_succeeded_total 3.0\n")
          .containsPattern("warden_trial_rss_bytes\\{worker=\"worker-\\d+\"} \\d")
          .containsPattern("warden_trial_age_seconds\\{worker=\"worker-\\d+\"} \\d")
          .doesNotContainPattern("warden_trial_worker_\\d") // one metric per figure, the worker a label
          .contains("warden_graveyard_records_imported_total")
          .contains("warden_graveyard_last_import_success_timestamp_seconds");
    });
  }

  @Test
  void theLlmRoutesShowLatencyAndTimeoutAdvicePerConversation() {
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/llm/conversations").body().path("conversations").size() > 0);
    JsonNode chat = api.get("/api/v1/llm/conversations").body().path("conversations").get(0);
    assertThat(chat.path("conversation").asText()).isEqualTo("chat");
    assertThat(chat.path("samples").asInt()).isEqualTo(1);
    assertThat(chat.path("verdict").asText()).isEqualTo("NO_DATA"); // fewer samples than latency.min-samples
    assertThat(chat.path("configuredSeconds").asLong()).isEqualTo(120);
    assertThat(chat.has("p99Millis")).isTrue();
    JsonNode llm = api.get("/api/v1/llm").body();
    assertThat(llm.path("permitsPerModel").has("m")).isTrue();
    assertThat(llm.path("conversations")).hasSize(1);
  }

  @Test
  void theGraveyardRoutesShowImportStatusQuarantineRegionsAndAnswerShouldAvoid() {
    JsonNode g = api.get("/api/v1/graveyard").body();
    assertThat(g.path("ready").asBoolean()).isTrue();
    assertThat(g.path("degraded").isNull()).isTrue();
    assertThat(g.path("storedPatterns").asLong()).isEqualTo(5);
    assertThat(g.path("rangesQuarantined").asLong()).isEqualTo(1);
    assertThat(g.path("files").get(0).path("recordsImported").asLong()).isEqualTo(5);
    JsonNode last = g.path("lastImport").path("files").get(0);
    assertThat(last.path("status").asText()).isEqualTo("IMPORTED");
    assertThat(last.path("quarantined").path("STRAY_CLOSE_PAREN").asLong()).isEqualTo(1);

    JsonNode regions = api.get("/api/v1/graveyard/regions").body().path("regions");
    assertThat(regions).hasSize(1);
    assertThat(regions.get(0).path("symbol").asText()).isEqualTo("USDJPY");
    assertThat(regions.get(0).path("failureCount").asLong()).isEqualTo(5);
    assertThat(api.get("/api/v1/graveyard/should-avoid?sl=0.32&tp=1.2").body().path("avoid").asBoolean()).isTrue();
    assertThat(api.get("/api/v1/graveyard/should-avoid?sl=5&tp=9").body().path("avoid").asBoolean()).isFalse();
    assertThat(api.get("/api/v1/graveyard/should-avoid?sl=0.32&tp=1.2&symbol=EURUSD&direction=BUY&timeframe=60")
        .body().path("avoid").asBoolean()).isFalse();
    ApiClient.Reply noTp = api.get("/api/v1/graveyard/should-avoid?sl=0.32");
    assertThat(noTp.status()).isEqualTo(400);
    assertThat(noTp.field()).isEqualTo("tp");
    ApiClient.Reply badSl = api.get("/api/v1/graveyard/should-avoid?sl=abc&tp=1");
    assertThat(badSl.field()).isEqualTo("sl");
    assertThat(api.get("/api/v1/graveyard/regions?at=yesterday").field()).isEqualTo("at");
  }

  @Test
  void theTrialRoutesListStudiesTheirTrialsTheBestAndTheWorkersRecentRss() {
    JsonNode studies = api.get("/api/v1/trials/studies").body().path("studies");
    assertThat(studies).hasSize(1);
    assertThat(studies.get(0).path("study").asText()).isEqualTo("lr-sweep");
    assertThat(studies.get(0).path("byStatus").path("SUCCEEDED").asInt()).isEqualTo(3);

    JsonNode study = api.get("/api/v1/trials/studies/lr-sweep").body();
    assertThat(study.path("complete").asBoolean()).isTrue();
    assertThat(study.path("trials").get(2).path("index").asInt()).isEqualTo(2);
    assertThat(study.path("trials").get(2).path("result").asText()).contains("0.75");

    JsonNode best = api.get("/api/v1/trials/studies/lr-sweep/best?objective=loss").body();
    assertThat(best.path("best").path("index").asInt()).isEqualTo(1);
    assertThat(best.path("best").path("objective").asDouble()).isEqualTo(0.25);
    assertThat(best.path("best").path("spec").path("env").path("WARDEN_PARAM_LR").asText()).isEqualTo("0.25");
    assertThat(api.get("/api/v1/trials/studies/lr-sweep/best?objective=loss&maximize=true").body()
        .path("best").path("index").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v1/trials/studies/lr-sweep/best?objective=accuracy").body().path("best").isNull()).isTrue();

    JsonNode workers = api.get("/api/v1/trials/workers").body();
    assertThat(workers.path("windowSeconds").asInt()).isEqualTo(300);
    assertThat(workers.path("workers")).hasSize(1);
    assertThat(workers.path("workers").get(0).path("path").asText()).isEqualTo("/warden/trial/worker-1");
    JsonNode sample = workers.path("workers").get(0).path("samples").get(0);
    assertThat(sample.path("at").asLong()).isPositive();
    assertThat(sample.has("rssMiB") && sample.has("ageSeconds")).as(sample.toString()).isTrue();

    ApiClient.Reply noObjective = api.get("/api/v1/trials/studies/lr-sweep/best");
    assertThat(noObjective.status()).isEqualTo(400);
    assertThat(noObjective.field()).isEqualTo("objective");
    ApiClient.Reply unknown = api.get("/api/v1/trials/studies/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.field()).isEqualTo("study");
  }

  @Test
  void theTreeShowsTheTrialWorkersLiveFigures() {
    JsonNode nodes = api.get("/api/v1/tree").body().path("nodes");
    List<String> infos = new ArrayList<>();
    nodes.forEach(n -> {
      if (n.path("path").asText().startsWith("/warden/trial/worker-")) {
        infos.add(n.path("info").asText());
      }
    });
    assertThat(infos).hasSize(1).allSatisfy(i -> assertThat(i).contains("rss=").contains("age="));
  }

  private static JsonNode resolve(JsonNode doc, JsonNode param) {
    if (!param.has("$ref")) {
      return param;
    }
    JsonNode target = doc.at(param.get("$ref").asText().substring(1));
    assertThat(target.isMissingNode()).as("$ref " + param.get("$ref")).isFalse();
    return target;
  }

  private static <T> T join(CompletionStage<T> s) {
    try {
      return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

}
