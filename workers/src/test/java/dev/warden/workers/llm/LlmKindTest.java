package dev.warden.workers.llm;

import static dev.warden.workers.llm.FakeModelServer.answer;
import static dev.warden.workers.llm.FakeModelServer.hang;
import static dev.warden.workers.llm.FakeModelServer.late;
import static dev.warden.workers.llm.FakeModelServer.trickle;
import static dev.warden.workers.llm.LlmNode.await;
import static dev.warden.workers.llm.LlmNode.events;
import static dev.warden.workers.llm.LlmNode.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llm kind on a real node: real H2 file, real HTTP server on 127.0.0.1, real reaper. */
class LlmKindTest {
  @TempDir Path dir;
  private final FakeModelServer server = FakeModelServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private Interaction ask(String conversation, String model) {
    return Interaction.of(conversation, ModelCall.chat(ModelApi.OLLAMA_CHAT, server.uri(), model, List.of(new ChatMessage("user", "hi"))));
  }

  @Test
  void hungCallIsReapedWithinTimeoutPlusOneTickRetriedAndItsRequestAborted() {
    server.script("m", hang(), answer("second"));
    try (Warden warden = LlmNode.start(dir, "")) {
      Llm llm = Llm.of(warden);
      String id = await(llm.submit("h1", ask("chat", "m").withTimeoutClass("fast"), null));
      assertThat(await(llm.result(id))).isEqualTo("second");
      JobEvent.Started first = events(llm, id, JobEvent.Started.class).get(0);
      JobEvent.Reaped reaped = events(llm, id, JobEvent.Reaped.class).get(0);
      assertThat(reaped.at() - first.deadline()).as("reaped within one 100 ms tick of the deadline (+ slack)").isBetween(0L, 250L);
      assertThat(names(llm, id)).containsExactly("Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded");
      await().atMost(Duration.ofSeconds(5)).until(() -> server.aborted() >= 1);
      assertThat(server.requests("m")).isEqualTo(2);
    }
  }

  @Test
  void lateAnswerForAReapedAttemptIsDiscarded() {
    CountDownLatch release = new CountDownLatch(1);
    server.script("m", late(release, "late"), answer("fresh"));
    try (Warden warden = LlmNode.start(dir, "")) {
      Llm llm = Llm.of(warden);
      String id = await(llm.submit("l1", ask("chat", "m").withTimeoutClass("fast"), null));
      assertThat(await(llm.result(id))).isEqualTo("fresh");
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> server.aborted() >= 1);
      assertThat(names(llm, id)).containsExactly("Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded");
      assertThat(await(llm.status(id)).orElseThrow().result()).contains("fresh");
      List<JobEvent> h = await(llm.history(id));
      for (int i = 1; i < h.size(); i++) {
        assertThat(h.get(i).at()).as("history in time order").isGreaterThanOrEqualTo(h.get(i - 1).at());
      }
    }
  }

  @Test
  void streamedChunksKeepASlowCallAliveWhileASilentOneIsReaped() {
    server.script("slow", trickle("alive", 30, Duration.ofMillis(50)));
    server.script("silent", hang(), answer("woke"));
    // What keeps the slow call alive is the margin between its chunks (50 ms) and the heartbeat timeout. It must hold
    // a loaded JVM's stall: after one, the reaper's tick (one scheduler thread) can reach the ledger before the chunk
    // that was due (the server's writer, the client's selector and a handler thread must all run first). With 300 ms
    // that margin was 250 ms, and a full run on 2 shared cores (two test JVMs at once) reaped the slow call.
    String conf = "warden.llm.classes.beat { start-to-close = 20s, heartbeat-timeout = 1s }\n";
    try (Warden warden = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(warden);
      String slow = await(llm.submit("s1", ask("chat", "slow").withTimeoutClass("beat"), null));
      String silent = await(llm.submit("s2", ask("chat", "silent").withTimeoutClass("beat"), null));
      assertThat(await(llm.result(slow))).as("1.5 s of chunks every 50 ms outlive a 1 s heartbeat timeout").isEqualTo("alive");
      assertThat(names(llm, slow)).as("%s", await(llm.history(slow))).containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
      assertThat(await(llm.result(silent))).isEqualTo("woke");
      assertThat(events(llm, silent, JobEvent.Reaped.class).get(0).reason()).startsWith("no heartbeat");
    }
  }

  @Test
  void eachConversationHasItsOwnTimeout() {
    server.script("m", trickle("done", 16, Duration.ofMillis(50)));
    String conf = "warden.llm.conversations { script-gen = fast, \"pdf.extract\" = slow }\n"
        + "warden.ledger.types.llm-fast.max-attempts = 1\n";
    try (Warden warden = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(warden);
      String extract = await(llm.submit("x1", ask("pdf.extract", "m"), null));
      String script = await(llm.submit("x2", ask("script-gen", "m"), null));
      assertThat(await(llm.result(extract))).as("800 ms of work inside the slow class's 20 s").isEqualTo("done");
      await().atMost(Duration.ofSeconds(10)).until(() -> await(llm.status(script)).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(names(llm, script)).containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp");
      JobEvent.Started s = events(llm, script, JobEvent.Started.class).get(0);
      assertThat(s.deadline() - s.at()).isEqualTo(500);
    }
  }
}
