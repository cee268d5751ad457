package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Warden;
import dev.warden.core.http.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's routes over real HTTP on 127.0.0.1, against a real node on an H2 file. */
class LedgerApiTest {
  private static final JobPolicy ONCE = JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(1));

  @TempDir static Path dir;
  private static Warden node;
  private static JobLedger ledger;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = LedgerNode.start(dir, "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0, max-body = 4KiB }\n");
    ledger = JobLedger.of(node);
    ledger.register(new JobType("echo", (payload, ctx) -> CompletableFuture.completedFuture(payload), ONCE));
    ledger.register(new JobType("fail", (payload, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("no luck")), ONCE));
    ledger.register(new JobType("hang", (payload, ctx) -> new CompletableFuture<String>(), ONCE));
    api = new ApiClient(node.httpUrl().orElseThrow(), null);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String submit(String id, String type, String payloadJson) {
    return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\"" + (payloadJson == null ? "" : ",\"payload\":" + payloadJson) + "}";
  }

  private static String status(String id) {
    return api.get("/api/v1/jobs/" + enc(id)).body().path("status").asText();
  }

  private static String enc(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void aJobSubmittedOverHttpRunsAndItsStatusHistoryAndResultAreReadable() {
    ApiClient.Reply submitted = api.post("/api/v1/jobs", submit("img-1", "echo", "{\"w\": 640}"));
    assertThat(submitted.status()).as(submitted.body().toString()).isEqualTo(200);
    assertThat(submitted.body().path("id").asText()).isEqualTo("img-1");
    assertThat(submitted.body().path("type").asText()).isEqualTo("echo");
    await().atMost(Duration.ofSeconds(10)).until(() -> status("img-1").equals("SUCCEEDED"));

    ApiClient.Reply result = api.get("/api/v1/jobs/img-1/result");
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body().path("result").asText()).isEqualTo("{\"w\":640}"); // a JSON payload reaches the handler as its text

    JsonNode events = api.get("/api/v1/jobs/img-1/history").body().path("events");
    List<String> names = new ArrayList<>();
    events.forEach(e -> names.add(e.path("event").asText() + (e.has("attempt") ? "#" + e.path("attempt").asInt() : "")));
    assertThat(names).containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded#1");
    assertThat(events.get(0).path("type").asText()).isEqualTo("echo");
    assertThat(events.get(1).path("time").asText()).endsWith("Z");
    assertThat(events.get(1).path("at").asLong()).isGreaterThanOrEqualTo(events.get(0).path("at").asLong());
    assertThat(events.get(1).has("deadline")).isTrue();

    // idempotent: the same id answers the existing job, and nothing runs twice
    ApiClient.Reply again = api.post("/api/v1/jobs", submit("img-1", "echo", "\"other\""));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(api.get("/api/v1/jobs/img-1/history").body().path("events")).hasSize(4);
  }

  @Test
  void aJobThatGaveUpShowsItsFailureAndAnOperatorRetryGivesItAnotherRound() {
    api.post("/api/v1/jobs", submit("unlucky", "fail", null));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("unlucky").equals("GAVE_UP"));
    JsonNode job = api.get("/api/v1/jobs/unlucky").body();
    assertThat(job.path("lastFailure").path("errorClass").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(job.path("lastFailure").path("message").asText()).isEqualTo("no luck");
    assertThat(job.path("lastFailure").path("stackTrace").asText()).contains("at ");
    ApiClient.Reply noResult = api.get("/api/v1/jobs/unlucky/result");
    assertThat(noResult.status()).isEqualTo(409);
    assertThat(noResult.error()).contains("GAVE_UP").contains("no luck");

    ApiClient.Reply retried = api.post("/api/v1/jobs/unlucky/retry");
    assertThat(retried.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode events = api.get("/api/v1/jobs/unlucky/history").body().path("events");
      return events.toString().contains("OperatorRetried") && status("unlucky").equals("GAVE_UP")
          && events.get(events.size() - 1).path("attempt").asInt() == 2;
    });
  }

  @Test
  void aRunningJobCanBeCancelledAndOnlyAJobThatEndedCanBeRetried() {
    api.post("/api/v1/jobs", submit("stuck", "hang", null));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("stuck").equals("RUNNING"));
    ApiClient.Reply notYet = api.get("/api/v1/jobs/stuck/result");
    assertThat(notYet.status()).isEqualTo(409);
    assertThat(notYet.error()).contains("RUNNING");
    ApiClient.Reply early = api.post("/api/v1/jobs/stuck/retry");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.error()).contains("only a job that gave up or was cancelled");

    ApiClient.Reply cancelled = api.post("/api/v1/jobs/stuck/cancel");
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().path("status").asText()).isEqualTo("CANCELLED");
    assertThat(api.post("/api/v1/jobs/stuck/retry").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> status("stuck").equals("RUNNING"));
    api.post("/api/v1/jobs/stuck/cancel");
  }

  @Test
  void anIdWithASlashIsOneEncodedPathSegment() {
    assertThat(api.post("/api/v1/jobs", submit("batch/7/a b", "echo", "\"x\"")).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> status("batch/7/a b").equals("SUCCEEDED"));
    assertThat(api.get("/api/v1/jobs/" + enc("batch/7/a b") + "/result").body().path("result").asText()).isEqualTo("x");
  }

  @Test
  void badRequestsAreRefusedNamingTheField() {
    ApiClient.Reply broken = api.post("/api/v1/jobs", "{\"id\": \"x\", \"type\": ");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.field()).isEqualTo("body");
    ApiClient.Reply noId = api.post("/api/v1/jobs", "{\"type\": \"echo\"}");
    assertThat(noId.status()).isEqualTo(400);
    assertThat(noId.field()).isEqualTo("id");
    ApiClient.Reply numericId = api.post("/api/v1/jobs", "{\"id\": 5, \"type\": \"echo\"}");
    assertThat(numericId.field()).isEqualTo("id");
    ApiClient.Reply misspelt = api.post("/api/v1/jobs", "{\"id\": \"x\", \"type\": \"echo\", \"paylod\": 1}");
    assertThat(misspelt.status()).isEqualTo(400);
    assertThat(misspelt.field()).isEqualTo("paylod");
    ApiClient.Reply unregistered = api.post("/api/v1/jobs", submit("x", "no-such-type", null));
    assertThat(unregistered.status()).isEqualTo(400);
    assertThat(unregistered.field()).isEqualTo("type");
    assertThat(unregistered.error()).contains("not registered");
    ApiClient.Reply tooBig = api.post("/api/v1/jobs", submit("big", "echo", "\"" + "x".repeat(5000) + "\""));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.field()).isEqualTo("body");
    assertThat(api.get("/api/v1/jobs/big").status()).as("nothing of a refused body is submitted").isEqualTo(404);

    for (String path : List.of("", "/history", "/result")) {
      ApiClient.Reply r = api.get("/api/v1/jobs/nobody" + path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.field()).isEqualTo("id");
    }
    assertThat(api.post("/api/v1/jobs/nobody/cancel").status()).isEqualTo(404);
    assertThat(api.post("/api/v1/jobs/nobody/retry").status()).isEqualTo(404);

    assertThat(api.get("/api/v1/jobs?limit=501").field()).isEqualTo("limit");
    assertThat(api.get("/api/v1/jobs?limit=ten").field()).isEqualTo("limit");
    assertThat(api.get("/api/v1/jobs?status=DONE").field()).isEqualTo("status");
    assertThat(api.get("/api/v1/jobs?cursor=nonsense").field()).isEqualTo("cursor");
    assertThat(api.get("/api/v1/jobs?order=random").field()).isEqualTo("order");
  }

  @Test
  void twoThousandJobsPageThroughWithoutDuplicatesOrGapsEvenWhileMoreAreSubmitted() {
    join(ledger.pause("bulk"));
    List<CompletableFuture<JobView>> all = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 2000; i++) {
      String id = "bulk-" + i;
      ids.add(id);
      all.add(ledger.submit("bulk", id, "").toCompletableFuture());
      if (all.size() == 200) { // bounded in flight (warden.ledger.command-buffer)
        all.forEach(CompletableFuture::join);
        all.clear();
      }
    }
    all.forEach(CompletableFuture::join);

    for (String order : List.of("oldest", "newest")) {
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      long lastAt = order.equals("oldest") ? Long.MIN_VALUE : Long.MAX_VALUE;
      do {
        JsonNode page = api.get("/api/v1/jobs?type=bulk&status=PENDING&limit=137&order=" + order
            + (cursor == null ? "" : "&cursor=" + cursor)).body();
        assertThat(page.path("jobs").size()).isLessThanOrEqualTo(137);
        for (JsonNode j : page.path("jobs")) {
          seen.add(j.path("id").asText());
          long at = j.path("submittedAt").asLong();
          assertThat(order.equals("oldest") ? at >= lastAt : at <= lastAt).as("listed in submit order").isTrue();
          lastAt = at;
        }
        cursor = page.path("next").isNull() ? null : page.path("next").asText();
        if (pages++ == 3 && order.equals("oldest")) { // submits while paging land after the cursor
          for (int i = 0; i < 50; i++) {
            String id = "bulk-late-" + i;
            ids.add(id);
            join(ledger.submit("bulk", id, ""));
          }
        }
      } while (cursor != null);
      assertThat(new HashSet<>(seen)).as("no duplicates").hasSameSizeAs(seen);
      assertThat(new HashSet<>(seen)).as(order + ": no gaps").isEqualTo(ids);
    }

    JsonNode one = api.get("/api/v1/jobs?type=echo&status=SUCCEEDED,GAVE_UP&limit=500").body();
    one.path("jobs").forEach(j -> assertThat(j.path("type").asText()).isEqualTo("echo"));
    assertThat(api.get("/api/v1/ledger").body().path("counts").path("bulk").path("pending").asLong()).isEqualTo(2050);
    assertThat(api.get("/api/v1/ledger").body().path("paused").toString()).contains("bulk");
  }

  @Test
  void typesArePausedAndResumedOverHttp() {
    assertThat(api.post("/api/v1/ledger/types/held/pause").body().path("paused").asBoolean()).isTrue();
    assertThat(ledger.paused()).contains("held");
    assertThat(api.post("/api/v1/ledger/types/held/resume").status()).isEqualTo(200);
    assertThat(ledger.paused()).doesNotContain("held");
  }

  @Test
  void theNodeIsReadyOnceThePartitionsRecovered() {
    await().atMost(Duration.ofSeconds(10)).until(ledger::recovered);
    ApiClient.Reply ready = api.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    JsonNode check = ready.body().path("checks").get(0);
    assertThat(check.path("kind").asText()).isEqualTo("ledger");
    assertThat(check.path("detail").asText()).contains("4 ledger partitions recovered");
    assertThat(api.get("/api/v1/ledger").body().path("recovered").asBoolean()).isTrue();
  }

  private static <T> T join(CompletionStage<T> s) {
    return LedgerNode.await(s);
  }
}
