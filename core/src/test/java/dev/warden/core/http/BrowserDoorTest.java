package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node without a bearer token (loopback only) against web pages in the operator's browser: a page that
 * reaches 127.0.0.1 by DNS rebinding (its own name in {@code Host}) and a page of another site posting to
 * the API (a form or a no-cors fetch: {@code Origin}, {@code Sec-Fetch-Site}) are refused; the console
 * page itself, health probes and clients that are not browsers are not. Real HTTP on 127.0.0.1.
 */
class BrowserDoorTest {
  @TempDir static Path data;
  private static Warden warden;
  private static ApiClient api;
  private static int port;

  @BeforeAll
  static void start() {
    warden = Warden.start(ConfigFactory.parseString(
            "warden.node-name = browser-door\nwarden.data-dir = \"" + data + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, generate-token = off, port = 0 }\n"),
        TestKinds.pausable("steady"), TestKinds.echo("echo", new AtomicBoolean(true)));
    api = new ApiClient(warden.httpUrl().orElseThrow(), null);
    port = warden.httpAddress().orElseThrow().getPort();
  }

  @AfterAll
  static void stop() {
    warden.close();
  }

  @Test
  void aRequestNamingAnotherHostIsRefusedSoDnsRebindingReadsNothing() {
    String refused = raw("GET /api/v1/kinds HTTP/1.1\r\nHost: rebind.attacker.example:" + port + "\r\n");
    assertThat(refused).startsWith("HTTP/1.1 403").contains("\"field\":\"Host\"").contains("DNS rebinding")
        .doesNotContain("steady");
    assertThat(raw("GET / HTTP/1.1\r\nHost: rebind.attacker.example\r\n")).startsWith("HTTP/1.1 403");
    assertThat(raw("POST /api/v1/kinds/steady/operations/bump HTTP/1.1\r\nHost: 127.0.0.1.nip.io:" + port
        + "\r\nContent-Length: 0\r\n")).startsWith("HTTP/1.1 403");

    assertThat(raw("GET /api/v1/kinds HTTP/1.1\r\nHost: localhost:" + port + "\r\n")).startsWith("HTTP/1.1 200");
    assertThat(raw("GET /api/v1/kinds HTTP/1.1\r\nHost: [::1]:" + port + "\r\n")).startsWith("HTTP/1.1 200");
    assertThat(raw("GET /alive HTTP/1.1\r\nHost: 127.0.0.1\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void anotherSitesPageCannotChangeAnythingNorReadTheApi() {
    String form = "{\"text\":\"x\", \"n\":\"=\"}"; // what a text/plain form can post
    ApiClient.Reply fromForm = api.send(api.request("/api/v1/kinds/steady/operations/bump")
        .header("Origin", "https://attacker.example").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(form)));
    assertThat(fromForm.status()).isEqualTo(403);
    assertThat(fromForm.field()).isEqualTo("Origin");
    assertThat(fromForm.error()).contains("another site's page").contains("warden.http.token-file");
    assertThat(api.send(api.request("/api/v1/echo").header("Sec-Fetch-Site", "cross-site")
        .POST(HttpRequest.BodyPublishers.ofString(form))).status()).isEqualTo(403);
    assertThat(api.send(api.request("/api/v1/kinds/steady/pause").header("Origin", "null")
        .POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(403);
    assertThat(api.send(api.request("/api/v1/kinds").header("Sec-Fetch-Site", "same-site").GET()).status()).isEqualTo(403);
    assertThat(api.send(api.request("/metrics").header("Sec-Fetch-Site", "cross-site").GET()).status()).isEqualTo(403);

    // the node's own console page (same origin) and a client that is no browser do change things
    ApiClient.Reply own = api.send(api.request("/api/v1/kinds/steady/operations/bump")
        .header("Origin", "http://127.0.0.1:" + port).header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(own.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> bumps() == 1);
    assertThat(api.post("/api/v1/kinds/steady/operations/bump").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> bumps() == 2);
    assertThat(state()).isEqualTo("RUNNING"); // the refused pause never reached the kind
  }

  @Test
  void aLinkFromAnotherSiteMayOpenTheConsolePageWhichCannotBeFramed() {
    ApiClient.Reply page = api.send(api.request("/").header("Sec-Fetch-Site", "cross-site").GET());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
    assertThat(page.raw().headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(api.send(api.request("/ready").header("Sec-Fetch-Site", "cross-site").GET()).status()).isEqualTo(200);
  }

  @Test
  void corsStaysClosed() {
    ApiClient.Reply preflight = api.send(api.request("/api/v1/echo").header("Origin", "http://127.0.0.1:" + port)
        .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.raw().headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    assertThat(api.get("/api/v1/kinds").raw().headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
  }

  private static long bumps() {
    return api.get("/api/v1/kinds/steady").body().path("counters").path("bumps").asLong();
  }

  private static String state() {
    for (JsonNode n : api.get("/api/v1/tree").body().path("nodes")) {
      if (n.path("path").asText().equals("/warden/steady")) {
        return n.path("state").asText();
      }
    }
    return "absent";
  }

  /** One request with the headers given (the JDK's client will not send another Host), its whole answer as text. */
  private static String raw(String head) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
