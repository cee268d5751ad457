package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node with HTTP on and no token configured is locked all the same: every local user can reach
 * loopback, so it generates a token in its data directory at the first start (owner-only, never
 * logged), requires it on loopback, and keeps it across restarts. Real HTTP on 127.0.0.1, real files.
 */
class GeneratedTokenTest {
  @TempDir Path dir;

  private Warden start() {
    return Warden.start(ConfigFactory.parseString(
            "warden.node-name = locked\nwarden.data-dir = \"" + dir.resolve("data") + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, port = 0 }\n"
                + "warden.supervision.kinds.faulty { max-restarts = 0, backoff.min = 0ms, backoff.max = 0ms }\n"),
        TestKinds.pausable("steady"), TestKinds.echo("echo", new AtomicBoolean(true)), TestKinds.crashy("faulty"));
  }

  @Test
  void withNoTokenConfiguredTheNodeGeneratesOneOwnerOnlyAndRequiresItOnLoopback() throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logged);
    Path file = dir.resolve("data").resolve("http").resolve("token");
    String token;
    try (Warden w = start()) {
      String base = w.httpUrl().orElseThrow();
      assertThat(w.httpTokenFile()).hasValue(file);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
      token = Files.readAllLines(file).get(0);
      assertThat(token).hasSizeGreaterThanOrEqualTo(HttpSettings.MIN_TOKEN_LENGTH);

      ApiClient.Reply anyone = new ApiClient(base, null).post("/api/v1/kinds/steady/pause");
      assertThat(anyone.status()).isEqualTo(401);
      assertThat(anyone.error()).contains("bearer token is required");
      assertThat(new ApiClient(base, null).get("/metrics").status()).isEqualTo(401);
      assertThat(new ApiClient(base, null).get("/alive").status()).isEqualTo(200);
      assertThat(new ApiClient(base, token).get("/api/v1/kinds").status()).isEqualTo(200);
    } finally {
      root.detachAppender(logged);
    }
    assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("generated in " + file));
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(token));

    try (Warden again = start()) {
      assertThat(Files.readAllLines(file).get(0)).isEqualTo(token); // kept: clients keep working
      String base = again.httpUrl().orElseThrow();
      assertThat(new ApiClient(base, token).get("/api/v1/kinds").status()).isEqualTo(200);

      // /ready stays open for probes, but why a kind is DEGRADED is told to the token's holder only
      again.<TestKinds.Msg>kind("faulty").tell(TestKinds.Msg.CRASH);
      await().atMost(Duration.ofSeconds(10)).until(() -> new ApiClient(base, null).get("/ready").body().path("degraded").size() == 1);
      JsonNode anyone = new ApiClient(base, null).get("/ready").body().path("degraded").get(0);
      assertThat(anyone.path("path").asText()).isEqualTo("/warden/faulty");
      assertThat(anyone.has("lastFailure")).isFalse();
      assertThat(new ApiClient(base, "a-wrong-token-of-some-length").get("/ready").body().path("degraded").get(0).has("lastFailure")).isFalse();
      assertThat(new ApiClient(base, token).get("/ready").body().path("degraded").get(0).path("lastFailure").asText())
          .contains("crashed on request");
    }

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(this::start)
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.http.generate-token")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining(token);
  }
}
