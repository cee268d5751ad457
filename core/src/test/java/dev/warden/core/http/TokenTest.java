package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

/**
 * A node bound beyond loopback (0.0.0.0) with a bearer token from an owner-only file: /api needs the
 * token (the test talks to it on 127.0.0.1 only), health probes do not, and the token is never logged.
 */
class TokenTest {
  private static final String TOKEN = "s3cret-t0ken-for-the-http-door";
  @TempDir static Path dir;
  private static Warden warden;
  private static String base;
  private static ListAppender<ILoggingEvent> logged;

  @BeforeAll
  static void start() throws Exception {
    Path token = Files.writeString(dir.resolve("http.token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    logged = new ListAppender<>();
    logged.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    ((Logger) LoggerFactory.getLogger("dev.warden")).setLevel(ch.qos.logback.classic.Level.DEBUG);
    warden = Warden.start(ConfigFactory.parseString(
            "warden.node-name = door\nwarden.data-dir = \"" + dir.resolve("data") + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, host = \"0.0.0.0\", port = 0, token-file = \"" + token + "\" }\n"),
        TestKinds.echo("echo", new AtomicBoolean(true)));
    base = "http://127.0.0.1:" + warden.httpAddress().orElseThrow().getPort();
  }

  @AfterAll
  static void stop() {
    warden.close();
  }

  @Test
  void withoutTheTokenApiRequestsAreRefusedAsJson() {
    ApiClient.Reply r = new ApiClient(base, null).get("/api/v1/kinds");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.field()).isEqualTo("Authorization");
    assertThat(r.error()).contains("bearer token is required");
    assertThat(r.raw().headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    // unknown paths under /api too: nothing about the API is told without the token
    assertThat(new ApiClient(base, null).get("/api/v1/no-such-thing").status()).isEqualTo(401);
    assertThat(new ApiClient(base, null).post("/api/v1/echo", "{\"text\":\"x\"}").status()).isEqualTo(401);
  }

  @Test
  void aWrongTokenIsRefused() {
    ApiClient.Reply r = new ApiClient(base, "not-the-token-at-all-no").get("/api/v1/kinds");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("the bearer token is wrong");
    assertThat(new ApiClient(base, TOKEN + "x").get("/api/v1/kinds").status()).isEqualTo(401);
    assertThat(new ApiClient(base, TOKEN.substring(1)).get("/api/v1/kinds").status()).isEqualTo(401);
  }

  @Test
  void theRightTokenIsLetIn() {
    ApiClient api = new ApiClient(base, TOKEN);
    assertThat(api.get("/api/v1/kinds").status()).isEqualTo(200);
    assertThat(api.post("/api/v1/echo", "{\"text\":\"x\"}").body().path("text").asText()).isEqualTo("x");
    assertThat(api.get("/api/v1/openapi.json").body().path("components").path("securitySchemes").has("bearer")).isTrue();
  }

  @Test
  void healthProbesNeedNoToken() {
    assertThat(new ApiClient(base, null).get("/alive").status()).isEqualTo(200);
    assertThat(new ApiClient(base, null).get("/ready").status()).isEqualTo(200);
  }

  @Test
  void theTokenIsNeverLogged() {
    assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("HTTP API at").contains("bearer token required"));
    assertThat(logged.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(TOKEN));
  }
}
