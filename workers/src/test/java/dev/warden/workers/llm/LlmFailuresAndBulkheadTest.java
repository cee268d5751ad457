package dev.warden.workers.llm;

import static dev.warden.workers.llm.FakeModelServer.answer;
import static dev.warden.workers.llm.FakeModelServer.badJson;
import static dev.warden.workers.llm.FakeModelServer.status;
import static dev.warden.workers.llm.FakeModelServer.trickle;
import static dev.warden.workers.llm.LlmNode.await;
import static dev.warden.workers.llm.LlmNode.events;
import static dev.warden.workers.llm.LlmNode.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken model answers, bulkheads, JMX latency and the idle (nothing submitted) flag on a real node. */
class LlmFailuresAndBulkheadTest {
  @TempDir Path dir;
  private final FakeModelServer server = FakeModelServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private Interaction ask(URI base, String conversation, String model) {
    return Interaction.of(conversation, ModelCall.chat(ModelApi.OLLAMA_CHAT, base, model, List.of(new ChatMessage("user", "hi"))));
  }

  private static String cause(Llm llm, String id, int attempt) {
    return events(llm, id, JobEvent.Failed.class).stream().filter(f -> f.attempt() == attempt).findFirst().orElseThrow().cause();
  }

  @Test
  void malformedAnswersFailTheAttemptWithAClearCauseAndRetriesFollowThePolicy() throws Exception {
    server.script("e500", status(500, "{\"error\":\"out of memory\"}"), answer("recovered"));
    server.script("json", badJson());
    server.script("e404", status(404, "{\"error\":\"model 'e404' not found\"}"));
    try (Warden warden = LlmNode.start(dir, "");
        ServerSocket raw = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread resetter = new Thread(() -> resetEveryConnection(raw), "resetter");
      resetter.setDaemon(true);
      resetter.start();
      Llm llm = Llm.of(warden);
      await(llm.submit("e500", ask(server.uri(), "c", "e500"), null));
      await(llm.submit("json", ask(server.uri(), "c", "json"), null));
      await(llm.submit("e404", ask(server.uri(), "c", "e404"), null));
      await(llm.submit("reset", ask(URI.create("http://127.0.0.1:" + raw.getLocalPort()), "c", "reset"), null));

      assertThat(await(llm.result("e500"))).isEqualTo("recovered");
      assertThat(cause(llm, "e500", 1)).contains("ModelCallException").contains("HTTP 500").contains("out of memory");

      await().atMost(Duration.ofSeconds(15)).until(() -> await(llm.status("json")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(names(llm, "json")).containsSubsequence("Failed#1", "Failed#2", "Failed#3", "GaveUp");
      assertThat(cause(llm, "json", 1)).contains("malformed JSON at response line 2").contains("oops");

      await().atMost(Duration.ofSeconds(15)).until(() -> await(llm.status("e404")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(names(llm, "e404")).as("a 404 is not retried; first failure: " + cause(llm, "e404", 1)).containsExactly("Submitted", "Started#1", "Failed#1", "GaveUp");
      assertThat(cause(llm, "e404", 1)).contains("ModelRejectedException").contains("HTTP 404").contains("not found");

      await().atMost(Duration.ofSeconds(15)).until(() -> await(llm.status("reset")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(events(llm, "reset", JobEvent.Failed.class)).hasSize(3);
      assertThat(cause(llm, "reset", 1)).contains("ModelCallException").containsAnyOf("broke", "ended", "failed");
    }
  }

  private static void resetEveryConnection(ServerSocket raw) {
    while (!raw.isClosed()) {
      try (Socket s = raw.accept()) {
        s.getInputStream().read(new byte[8192]);
        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "30\r\n{\"message\":{\"content\":\"partial\"},\"done\":false}\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        return;
      }
    }
  }

  @Test
  void aStuckModelDoesNotBlockAnotherModelAndQueuedAttemptsAreNotReaped() throws Exception {
    // streams for 2 minutes unless cancelled: a slow run of this test must not see it end on its own (one took 31 s)
    server.script("stuck", trickle("eventually", 2400, Duration.ofMillis(50)));
    server.script("free", answer("quick"));
    // chunks every 50 ms, yet a loaded machine once stalled the node for 1071 ms and stuck-1 was reaped at a 1 s
    // timeout: 3 s of silence is a hang; the queued stuck-2 must outlive it below
    Duration heartbeatTimeout = Duration.ofSeconds(3);
    String conf = "warden.llm.bulkhead.models { stuck = 1, free = 2 }\n"
        + "warden.llm.classes.slow.heartbeat-timeout = " + heartbeatTimeout.toMillis() + "ms\n";
    try (Warden warden = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(warden);
      await(llm.submit("stuck-1", ask(server.uri(), "c", "stuck").withTimeoutClass("slow"), null));
      // stuck-1 holds the model's only permit before stuck-2 exists: jobs on different partitions
      // have no dispatch order between them
      await().atMost(Duration.ofSeconds(10)).until(() -> server.requests("stuck") == 1);
      await(llm.submit("stuck-2", ask(server.uri(), "c", "stuck").withTimeoutClass("slow"), null));
      for (int i = 0; i < 4; i++) {
        await(llm.submit("free-" + i, ask(server.uri(), "quick", "free").withTimeoutClass("slow"), null));
      }
      for (int i = 0; i < 4; i++) {
        assertThat(await(llm.result("free-" + i))).isEqualTo("quick");
      }
      LlmMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
          new ObjectName("dev.warden:node=" + ObjectName.quote(warden.jmxNode()) + ",type=llm"), LlmMXBean.class);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(jmx.getQueuedPerModel()).containsEntry("stuck", 1);
        assertThat(jmx.getRunningPerModel()).containsEntry("stuck", 1);
      });
      assertThat(server.requests("stuck")).as("the second stuck call waits for its model's only permit").isEqualTo(1);
      await().during(heartbeatTimeout.plusMillis(500)).atMost(heartbeatTimeout.plusSeconds(3))
          .until(() -> events(llm, "stuck-2", JobEvent.Reaped.class).isEmpty());
      assertThat(await(llm.status("stuck-2")).orElseThrow().attempt()).as("queued past the 3 s heartbeat timeout, not reaped").isEqualTo(1);

      await(llm.cancel("stuck-1"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.aborted() >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("stuck") == 2);
      await(llm.cancel("stuck-2"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.aborted() >= 2);
      assertThat(await(llm.status("stuck-1")).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    }
  }

  @Test
  void latencyAdviceAndOneIdleWarningAreOnJmx() throws Exception {
    server.script("m", answer("ok"));
    try (Warden warden = LlmNode.start(dir, "warden.llm.conversations.summaries = normal\n")) {
      Llm llm = Llm.of(warden);
      for (int i = 0; i < 3; i++) {
        assertThat(await(llm.result(await(llm.submit(ask(server.uri(), "summaries", "m")))))).isEqualTo("ok");
      }
      LlmMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
          new ObjectName("dev.warden:node=" + ObjectName.quote(warden.jmxNode()) + ",type=llm"), LlmMXBean.class);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        ConversationStats c = jmx.getConversations().stream().filter(s -> s.getConversation().equals("summaries")).findFirst().orElseThrow();
        assertThat(c.getSamples()).isEqualTo(3);
        assertThat(c.getConfiguredSeconds()).isEqualTo(2);
        assertThat(c.getVerdict()).isIn("OK", "TOO_HIGH", "TOO_LOW");
      });
      await().atMost(Duration.ofSeconds(5)).until(jmx::isIdle);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> jmx.getIdleWarnings() == 1);
      await(llm.result(await(llm.submit(ask(server.uri(), "summaries", "m")))));
      await().atMost(Duration.ofSeconds(5)).until(() -> !jmx.isIdle() || jmx.getIdleWarnings() == 2);
    }
  }

  @Test
  void aConversationWhoseEveryCallIsReapedAtItsTimeoutIsAdvisedTooLowOnJmx() throws Exception {
    server.script("slow", trickle("too late", 60, Duration.ofMillis(50))); // alive for 3 s: only the 1 s timeout cuts it
    String conf = "warden.llm.classes.tight { start-to-close = 1s }\n"
        + "warden.llm.conversations { pdf-extract = tight }\n"
        + "warden.ledger.types.llm-tight.max-attempts = 1\n";
    try (Warden warden = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(warden);
      for (String id : List.of("x1", "x2")) {
        await(llm.submit(id, ask(server.uri(), "pdf-extract", "slow"), null));
      }
      for (String id : List.of("x1", "x2")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> await(llm.status(id)).orElseThrow().status() == JobStatus.GAVE_UP);
        assertThat(names(llm, id)).containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp");
      }
      LlmMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
          new ObjectName("dev.warden:node=" + ObjectName.quote(warden.jmxNode()) + ",type=llm"), LlmMXBean.class);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        ConversationStats c = jmx.getConversations().stream().filter(s -> s.getConversation().equals("pdf-extract"))
            .findFirst().orElseThrow(() -> new AssertionError("no advice for pdf-extract: " + jmx.getConversations()));
        assertThat(c.getSamples()).as("no call completed").isZero();
        assertThat(c.getReaped()).isEqualTo(2);
        assertThat(c.getReapRate()).isEqualTo(1.0);
        assertThat(c.getConfiguredSeconds()).isEqualTo(1);
        assertThat(c.getVerdict()).isEqualTo("TOO_LOW");
        assertThat(c.getSuggestedSeconds()).isEqualTo(2);
      });
    }
  }
}
