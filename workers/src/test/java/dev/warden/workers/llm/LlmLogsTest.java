package dev.warden.workers.llm;

import static dev.warden.workers.llm.LlmNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.warden.core.Warden;
import dev.warden.core.WardenMdc;
import dev.warden.core.LogCapture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llm kind's lines on a real node: its own logger, its name in the MDC. */
class LlmLogsTest {
  @TempDir Path dir;

  @Test
  void theIdleWarningIsLoggedUnderTheCoordinatorWithTheKindInTheMdc() throws Exception {
    try (FakeModelServer server = FakeModelServer.start();
        LogCapture logs = LogCapture.start();
        Warden warden = LlmNode.start(dir, "")) {
      server.script("m", FakeModelServer.answer("ok"));
      Llm llm = Llm.of(warden);
      ModelCall call = ModelCall.chat(ModelApi.OLLAMA_CHAT, server.uri(), "m", List.of(new ChatMessage("user", "hi")));
      assertThat(await(llm.result(await(llm.submit(Interaction.of("chat", call)))))).isEqualTo("ok");

      ILoggingEvent idle = logs.await("llm: nothing submitted, pending, queued or running");
      assertThat(idle.getLoggerName()).as("not org.apache.pekko.actor.ActorCell").isEqualTo(LlmCoordinator.class.getName());
      assertThat(idle.getMDCPropertyMap()).containsEntry(WardenMdc.KIND, LlmKind.NAME);
    }
  }
}
