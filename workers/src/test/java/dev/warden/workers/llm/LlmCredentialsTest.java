package dev.warden.workers.llm;

import static dev.warden.workers.llm.FakeModelServer.answer;
import static dev.warden.workers.llm.FakeModelServer.status;
import static dev.warden.workers.llm.LlmNode.await;
import static dev.warden.workers.llm.LlmNode.events;
import static dev.warden.workers.llm.LlmNode.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Credentials of model endpoints: a key named in config is sent as a bearer token on every
 * attempt, also by a node restarted after a kill, and no key or URL password ever reaches the H2
 * file, a log line or a failure cause. Inline credentials are refused at submit.
 */
class LlmCredentialsTest {
  private static final String KEY = "sk-test-4f1d9c2ab7e8";
  private static final String WRONG_KEY = "sk-stale-90ab13cd57ef";
  private static final String PASSWORD = "hunter2-pw-7731";
  private static final String CANARY = "canary-b51e";

  @TempDir Path dir;
  private final FakeModelServer server = FakeModelServer.start();
  private final List<Process> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : nodes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    server.close();
  }

  private Path keyFile(String name, String key) throws IOException {
    Path f = Files.createDirectories(dir.resolve("secrets")).resolve(name);
    Files.writeString(f, key + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private static List<ChatMessage> hello() {
    return List.of(new ChatMessage("user", "hello " + CANARY));
  }

  private static String refusal(java.util.concurrent.CompletionStage<String> submitted) {
    try {
      submitted.toCompletableFuture().join();
      throw new AssertionError("submit was not refused");
    } catch (CompletionException e) {
      return e.getCause().getMessage();
    }
  }

  @Test
  void aNamedEndpointsKeyIsSentOnEveryAttemptAndNoCredentialIsStoredLoggedOrQuoted() throws Exception {
    server.requireBearer(KEY);
    server.script("gpt", status(500, "{\"error\":\"overloaded\"}"), answer("hello back"));
    // a server that quotes the request's Authorization header back in every error it answers
    server.script("echo", (ex, s) -> status(502, "{\"error\":\"upstream refused " + ex.getRequestHeaders().getFirst("Authorization")
        + "\"}").serve(ex, s));
    String conf = "warden.llm.endpoints {\n"
        + "  hosted { url = \"" + server.uri() + "\", api = openai, api-key-file = \"" + keyFile("hosted.key", KEY) + "\" }\n"
        + "  stale { url = \"" + server.uri() + "\", api = openai, api-key-file = \"" + keyFile("stale.key", WRONG_KEY) + "\" }\n"
        + "}\n";
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger warden = (Logger) LoggerFactory.getLogger("dev.warden");
    Level before = warden.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    warden.setLevel(Level.DEBUG);
    try (Warden node = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(node);
      // the slow class (20 s): on a busy machine a cold JVM's first call must not be reaped
      String ok = await(llm.submit("ok", Interaction.of("chat", ModelCall.chat("hosted", "gpt", hello())).withTimeoutClass("slow"), null));
      assertThat(await(llm.result(ok))).isEqualTo("hello back");
      assertThat(names(llm, ok)).containsExactly("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded");
      assertThat(server.requests("gpt")).as("both attempts reached the model with the key").isEqualTo(2);
      assertThat(server.unauthorized()).isZero();

      await(llm.submit("rejected", Interaction.of("chat", ModelCall.chat("stale", "gpt", hello())).withTimeoutClass("slow"), null));
      await().atMost(Duration.ofSeconds(10)).until(() -> await(llm.status("rejected")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(names(llm, "rejected")).as("a rejected key is not retried").containsExactly("Submitted", "Started#1", "Failed#1", "GaveUp");
      String cause = events(llm, "rejected", JobEvent.Failed.class).get(0).cause();
      assertThat(cause).contains("endpoint stale rejected the credentials (401)").contains("Incorrect API key").doesNotContain(WRONG_KEY);

      await(llm.submit("echoed", Interaction.of("chat", ModelCall.chat("hosted", "echo", hello())).withTimeoutClass("slow"), null));
      await().atMost(Duration.ofSeconds(15)).until(() -> await(llm.status("echoed")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(events(llm, "echoed", JobEvent.Failed.class)).as("a 502 is retried").hasSize(3)
          .allSatisfy(f -> assertThat(f.cause()).contains("endpoint hosted (").contains("HTTP 502").contains("upstream refused Bearer ***"));

      String inline = refusal(llm.submit(Interaction.of("chat", ModelCall.chat(ModelApi.OPENAI_CHAT, server.uri(), "gpt", hello()).withApiKey(KEY))));
      assertThat(inline).contains("inline API key").contains("warden.llm.endpoints.<name>").contains("api-key-env").doesNotContain(KEY);
      URI withPassword = URI.create("http://bob:" + PASSWORD + "@127.0.0.1:" + server.uri().getPort());
      String userInfo = refusal(llm.submit(Interaction.of("chat", ModelCall.chat(ModelApi.OLLAMA_CHAT, withPassword, "gpt", hello()))));
      assertThat(userInfo).contains("carries credentials").contains("http://***@127.0.0.1").doesNotContain(PASSWORD).doesNotContain("bob");
      assertThat(refusal(llm.submit(Interaction.of("chat", ModelCall.chat("nowhere", "gpt", hello())))))
          .contains("endpoint nowhere, which is not configured").contains("[hosted, stale]");
      assertThat(ModelCall.chat(ModelApi.OPENAI_CHAT, withPassword, "gpt", hello()).withApiKey(KEY).toString())
          .doesNotContain(KEY).doesNotContain(PASSWORD);
    } finally {
      root.detachAppender(logs);
      warden.setLevel(before);
    }
    String logged = logs.list.stream()
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .collect(Collectors.joining("\n"));
    assertThat(logs.list).as("the capture saw the node's debug lines").hasSizeGreaterThan(5);
    assertThat(logged).doesNotContain(KEY).doesNotContain(WRONG_KEY).doesNotContain(PASSWORD);
    assertNotInDataFiles(CANARY, KEY, WRONG_KEY, PASSWORD);
  }

  @Test
  void aKeyFromTheEnvironmentIsSentAgainByANodeRestartedAfterAKill() throws Exception {
    int n = 4;
    GatedModelServer gated = new GatedModelServer();
    try (gated) {
      gated.requireBearer(KEY);
      Files.writeString(dir.resolve("node.conf"), "warden.ledger.partitions = 2\nwarden.ledger.reaper.tick = 200ms\n"
          + "warden.llm.endpoints.gated { url = \"" + gated.uri() + "\", api = ollama, api-key-env = WARDEN_TEST_LLM_KEY }\n");
      Process first = node(gated, n, "submit");
      await().atMost(Duration.ofSeconds(40)).until(() -> gated.held() == n || !first.isAlive());
      assertThat(gated.held()).as("calls at the model: %s", output("submit")).isEqualTo(n);
      first.destroyForcibly();
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
      gated.open(Duration.ZERO);

      Process second = node(gated, n, "resume");
      assertThat(second.waitFor(50, TimeUnit.SECONDS)).as("resumed node finished: %s", output("resume")).isTrue();
      assertThat(output("resume")).contains("DONE " + n);
      assertThat(gated.unauthorized()).as("every call, before and after the restart, carried the key").isZero();
      assertThat(gated.calls().values()).as("each interaction was called by both nodes").allMatch(c -> c >= 2).hasSize(n);
    }
    assertThat(output("submit") + output("resume")).doesNotContain(KEY);
    assertNotInDataFiles(LlmNodeMain.id(0), KEY);
  }

  private Process node(GatedModelServer gated, int n, String mode) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        LlmNodeMain.class.getName(), dir.toString(), gated.uri().toString(), String.valueOf(n), mode, "gated")
        .redirectErrorStream(true).redirectOutput(dir.resolve(mode + ".out").toFile());
    pb.environment().put("WARDEN_TEST_LLM_KEY", KEY);
    Process p = pb.start();
    nodes.add(p);
    return p;
  }

  private String output(String mode) {
    try {
      return Files.readString(dir.resolve(mode + ".out"));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * No file under the data directory (the H2 database, its trace, node outputs) holds any of
   * {@code secrets}, while {@code canary}, a journaled text, is found: the grep does see the journal.
   */
  private void assertNotInDataFiles(String canaryText, String... secrets) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(Files::isRegularFile).filter(f -> !f.startsWith(dir.resolve("secrets"))).collect(Collectors.toList());
    }
    assertThat(files).as("the H2 database is there").anyMatch(f -> f.toString().endsWith(".mv.db"));
    boolean canary = false;
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      canary |= f.toString().endsWith(".mv.db") && bytes.contains(canaryText);
      for (String s : secrets) {
        assertThat(bytes).as("%s holds no credential", f).doesNotContain(s);
      }
    }
    assertThat(canary).as("the grep sees journaled text (%s) in the H2 file", canaryText).isTrue();
  }
}
