package dev.warden.workers.llm;

import static dev.warden.workers.llm.FakeModelServer.endless;
import static dev.warden.workers.llm.LlmNode.await;
import static dev.warden.workers.llm.LlmNode.events;
import static dev.warden.workers.llm.LlmNode.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server that streams tokens for ever: once the answer passes
 * {@code warden.llm.client.max-response-chars} the attempt fails at once, naming the key to raise, is
 * not retried, and the server sees its connection closed; the attempt does not hold the connection
 * (and a permit) until its start-to-close deadline.
 */
class LlmResponseBoundTest {
  @TempDir Path dir;
  private final FakeModelServer server = FakeModelServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAnswerThatNeverEndsFailsOnceItPassesTheBoundNotAtTheDeadlineAndIsNotRetried() throws Exception {
    server.script("babbler", endless("blah blah blah blah "));
    String conf = "warden.llm.client.max-response-chars = 2000\n"
        + "warden.llm.endpoints.local { url = \"" + server.uri() + "\", api = ollama }\n";
    try (Warden node = LlmNode.start(dir, conf)) {
      Llm llm = Llm.of(node);
      long t0 = System.nanoTime();
      // the slow class: a 20 s start-to-close deadline the attempt must not wait for
      await(llm.submit("runaway", Interaction.of("chat", ModelCall.chat("local", "babbler",
          List.of(new ChatMessage("user", "go on")))).withTimeoutClass("slow"), null));
      await().atMost(Duration.ofSeconds(10)).until(() -> await(llm.status("runaway")).orElseThrow().status() == JobStatus.GAVE_UP);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("failed long before the 20 s deadline").isLessThan(Duration.ofSeconds(10));
      assertThat(names(llm, "runaway")).as("not retried").containsExactly("Submitted", "Started#1", "Failed#1", "GaveUp");
      assertThat(server.requests("babbler")).isEqualTo(1);
      String cause = events(llm, "runaway", JobEvent.Failed.class).get(0).cause();
      assertThat(cause).contains("not retried").contains("endpoint local (").contains("the answer passed 2000 characters")
          .contains("raise warden.llm.client.max-response-chars");
      assertThat(server.awaitAborted(1, Duration.ofSeconds(5))).as("the server saw the connection closed").isTrue();
    }
  }
}
