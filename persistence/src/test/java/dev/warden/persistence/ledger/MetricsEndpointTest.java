package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Warden;
import dev.warden.core.http.ApiClient;
import dev.warden.persistence.ledger.internal.LedgerMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real node (ledger + checkpointer, H2 file, JMX off) over real HTTP, read by a
 * strict parser of the Prometheus text format: its ledger counts are what {@code /api/v1/ledger} and
 * {@code /api/v1/jobs} report after jobs were submitted over HTTP.
 */
class MetricsEndpointTest {
  private static final JobPolicy ONCE = JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(1));

  @TempDir static Path dir;
  private static Warden node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = LedgerNode.start(dir, "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0 }\n");
    JobLedger ledger = JobLedger.of(node);
    ledger.register(new JobType("echo", (payload, ctx) -> CompletableFuture.completedFuture(payload), ONCE));
    ledger.register(new JobType("fail", (payload, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("no")), ONCE));
    ledger.register(new JobType("hang", (payload, ctx) -> new CompletableFuture<String>(), ONCE));
    ledger.register(new JobType("other", (payload, ctx) -> CompletableFuture.completedFuture(payload), ONCE));
    api = new ApiClient(node.httpUrl().orElseThrow(), null);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static PrometheusText scrape() {
    ApiClient.Reply r = api.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).isEqualTo("text/plain; version=0.0.4; charset=UTF-8");
    return PrometheusText.parse(r.raw().body());
  }

  private static void submit(String id, String type) {
    ApiClient.Reply r = api.post("/api/v1/jobs", "{\"id\":\"" + id + "\",\"type\":\"" + type + "\"}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
  }

  @Test
  void theLedgerCountsOnMetricsAreWhatTheApiReports() {
    for (int i = 0; i < 7; i++) {
      submit("ok-" + i, "echo");
    }
    for (int i = 0; i < 3; i++) {
      submit("bad-" + i, "fail");
    }
    for (int i = 0; i < 2; i++) {
      submit("stuck-" + i, "hang");
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode counts = api.get("/api/v1/ledger").body().path("counts");
      assertThat(counts.path("echo").path("succeeded").asLong()).isEqualTo(7);
      assertThat(counts.path("fail").path("failed").asLong()).isEqualTo(3);
      assertThat(counts.path("hang").path("running").asLong()).isEqualTo(2);
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode counts = api.get("/api/v1/ledger").body().path("counts");
      PrometheusText m = scrape();
      assertThat(m.types).containsEntry("warden_ledger_jobs", "gauge");
      assertThat(m.help.get("warden_ledger_jobs")).isNotBlank();
      for (String type : new String[] {"echo", "fail", "hang"}) {
        Map<String, Long> listed = listedPerBucket(type);
        for (String status : LedgerMeters.STATUSES) {
          long api = counts.path(type).path(status).asLong(0);
          assertThat(m.value("warden_ledger_jobs", Map.of("type", type, "status", status)))
              .as(type + "/" + status).contains((double) api);
          assertThat(listed.getOrDefault(status, 0L)).as("/api/v1/jobs " + type + "/" + status).isEqualTo(api);
        }
      }
      assertThat(m.value("warden_ledger_running", Map.of("type", "hang"))).contains(2.0);
      assertThat(m.value("warden_ledger_paused", Map.of("type", "hang"))).contains(0.0);
    });
  }

  @Test
  void theJmxFiguresOfEveryPartAreThereInPrometheusNames() {
    submit("one", "other");
    assertThat(api.post("/api/v1/kinds/checkpointer/operations/checkpointNow").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      PrometheusText m = scrape();
      assertThat(m.value("warden_kind_state", Map.of("kind", "ledger", "state", "running"))).contains(1.0);
      assertThat(m.value("warden_kind_state", Map.of("kind", "ledger", "state", "degraded"))).contains(0.0);
      assertThat(m.types).containsEntry("warden_kind_restarts_total", "counter");
      assertThat(m.value("warden_kind_restarts_total", Map.of("kind", "checkpointer"))).contains(0.0);
      assertThat(m.types).containsEntry("warden_journal_writes_total", "counter");
      assertThat(m.value("warden_journal_writes_total", Map.of()).orElse(0.0)).isGreaterThan(0);
      assertThat(m.value("warden_ledger_reaper_last_run_timestamp_seconds", Map.of()).orElse(0.0))
          .isGreaterThan(1.7e9); // seconds since the epoch, not milliseconds
      assertThat(m.types).containsEntry("warden_ledger_reaper_runs_total", "counter");
      assertThat(m.value("warden_checkpoint_duration_seconds", Map.of("quantile", "0.95"))).isPresent();
      // a kind's counter shows from its first use on (here the checkpoint asked for above)
      assertThat(m.value("warden_checkpointer_checkpoints_total", Map.of()).orElse(0.0)).isGreaterThanOrEqualTo(1);
      assertThat(m.types).containsEntry("warden_checkpointer_checkpoint_last_seconds", "gauge");
    });
  }

  @Test
  void theParserRefusesMalformedExpositions() {
    String ok = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n";
    assertThat(PrometheusText.parse(ok).value("a_total", Map.of("x", "1"))).contains(3.0);
    for (String bad : new String[] {
        "a 1", // no final line feed
        "a{x=1} 1\n", // unquoted label value
        "a{x=\"1\"}  1\n", // two spaces
        "a{x=\"1\"} one\n", // not a number
        "# TYPE a gauge\n# TYPE a gauge\na 1\n", // TYPE twice
        "a 1\n# TYPE a gauge\n", // TYPE after samples
        "a 1\nb 1\na{x=\"2\"} 1\n", // family split apart
        "a 1\na 2\n", // same series twice
        "# TYPE c_total counter\nc_total -1\n", // negative counter
        "1a 1\n", // bad name
        "a{x=\"\\q\"} 1\n", // bad escape
    }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static Map<String, Long> listedPerBucket(String type) {
    Map<String, Long> out = new HashMap<>();
    JsonNode jobs = api.get("/api/v1/jobs?type=" + type + "&limit=500").body().path("jobs");
    for (Iterator<JsonNode> it = jobs.elements(); it.hasNext(); ) {
      out.merge(JobStatus.valueOf(it.next().path("status").asText()).bucket(), 1L, Long::sum);
    }
    return out;
  }
}
