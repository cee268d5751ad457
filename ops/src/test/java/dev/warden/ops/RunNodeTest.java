package dev.warden.ops;

import dev.warden.core.jmx.JmxCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `warden run` as a real node process: its tree read through `warden tree --jmx`, its HTTP API, then SIGTERM. */
class RunNodeTest {
  @TempDir Path work;

  @Test
  void runningNodeTreeIsReadableOverJmxAndSigtermStopsItCleanly() throws Exception {
    int port = Ports.freeLoopbackPort();
    try (WardenProcess node =
        WardenProcess.start(work, "run", "-Dwarden.jmx.connector.port=" + port, "-Dwarden.node-name=it-node",
            "-Dwarden.http.port=0")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> node.output().contains("running, data-dir"));
      // the API's URL is printed at start (conf/application.conf turns HTTP on; port 0 here: a free one)
      await().atMost(Duration.ofSeconds(10)).until(() -> node.output().contains("HTTP API at http://127.0.0.1:"));
      Matcher url = Pattern.compile("HTTP API at (http://127\\.0\\.0\\.1:\\d+)/api/v1")
          .matcher(node.output());
      assertThat(url.find()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
          HttpRequest.newBuilder(URI.create(url.group(1) + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      // locked by default: every local user reaches loopback, so the node generated a token and says where
      Path tokenFile = work.resolve("data").resolve("http").resolve("token");
      assertThat(node.output()).contains("bearer token in " + tokenFile);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/kinds")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      String token = Files.readAllLines(tokenFile).get(0);
      assertThat(node.output()).doesNotContain(token);
      String kinds = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/kinds"))
              .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(kinds).contains("\"name\":\"ledger\"").contains("\"name\":\"graveyard\"").contains("\"name\":\"llm\"");
      // the default data directory is ./data under the working directory
      assertThat(node.output()).contains(work.resolve("data").toString());
      // where the JMX credentials are, never what they are
      Path credentials = work.resolve("data").resolve("jmx").resolve("jmxremote.password");
      assertThat(node.output()).contains("credentials in " + credentials);
      String monitorPassword = JmxCredentials.passwordOf(credentials, JmxCredentials.MONITOR_USER);
      assertThat(node.output()).doesNotContain(monitorPassword);

      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream old = System.out;
      int code;
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        code = WardenCli.execute("tree", "--jmx", "127.0.0.1:" + port, "--data", work.resolve("data").toString());
      } finally {
        System.setOut(old);
      }
      String tree = captured.toString(StandardCharsets.UTF_8);
      assertThat(code).as(tree).isZero();
      assertThat(tree).contains("node it-node").contains("/warden  [runtime] RUNNING").contains("checkpointer").contains("ledger").contains("graveyard").contains("worker-1").contains("llm");

      // without the right password the CLI is refused
      Path wrong = Files.writeString(work.resolve("wrong.password"), "monitor not-the-password\n");
      ByteArrayOutputStream refused = new ByteArrayOutputStream();
      PrintStream oldErr0 = System.err;
      System.setErr(new PrintStream(refused, true, StandardCharsets.UTF_8));
      try {
        code = WardenCli.execute("tree", "--jmx", "127.0.0.1:" + port, "--password-file", wrong.toString());
      } finally {
        System.setErr(oldErr0);
      }
      assertThat(code).isEqualTo(1);
      assertThat(refused.toString(StandardCharsets.UTF_8)).contains("cannot read JMX").contains("Authentication failed");

      // a second node on the same data directory refuses to start instead of sharing the database
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldErr = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        code = WardenCli.execute("run", "--data", work.resolve("data").toString(),
            "-Dwarden.jmx.connector.enabled=off", "-Dwarden.node-name=intruder");
      } finally {
        System.setErr(oldErr);
      }
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("warden: ").contains("already in use");

      node.process.destroy(); // SIGTERM
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).as("a clean stop on SIGTERM exits 0, not 143").isZero();
      assertThat(node.output())
          .containsPattern("checkpoint mode=\"CHECKPOINT SYNC\" elapsed_ms=\\d+ outcome=ok")
          .contains("warden node [it-node] stopped")
          .doesNotContain("outcome=failed");
    }
  }
}
