package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} sits behind the bearer token like {@code /api}, and shows every kind's state and counters. */
class MetricsDoorTest {
  private static final String TOKEN = "metrics-t0ken-for-the-http-door";
  @TempDir static Path dir;
  private static Warden warden;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Path token = Files.writeString(dir.resolve("http.token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    warden = Warden.start(ConfigFactory.parseString(
            "warden.node-name = door\nwarden.data-dir = \"" + dir.resolve("data") + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, port = 0, token-file = \"" + token + "\" }\n"),
        TestKinds.echo("echo", new AtomicBoolean(true)));
    base = warden.httpUrl().orElseThrow();
  }

  @AfterAll
  static void stop() {
    warden.close();
  }

  @Test
  void metricsNeedTheTokenWhenOneIsSet() {
    ApiClient.Reply refused = new ApiClient(base, null).get("/metrics");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.field()).isEqualTo("Authorization");
    assertThat(new ApiClient(base, "wrong-token-of-enough-length").get("/metrics").status()).isEqualTo(401);

    ApiClient.Reply r = new ApiClient(base, TOKEN).get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).isEqualTo("text/plain; version=0.0.4; charset=UTF-8");
    assertThat(r.raw().body())
        .contains("# TYPE warden_kind_state gauge\n")
        .contains("warden_kind_state{kind=\"echo\",state=\"running\"} 1.0\n")
        .contains("# TYPE warden_kind_restarts_total counter\n");
  }

  @Test
  void theOpenApiDocumentListsMetrics() {
    assertThat(new ApiClient(base, TOKEN).get("/api/v1/openapi.json").body().path("paths").path("/metrics").has("get")).isTrue();
  }
}
