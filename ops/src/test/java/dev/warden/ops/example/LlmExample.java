package dev.warden.ops.example;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.workers.llm.ChatMessage;
import dev.warden.workers.llm.FakeModelServer;
import dev.warden.workers.llm.Interaction;
import dev.warden.workers.llm.Llm;
import dev.warden.workers.llm.LlmKind;
import dev.warden.workers.llm.ModelCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The sample of docs/kinds/llm.md, compiled and run by {@code KindExamplesTest} against the
 * in-process model server the demo uses (an Ollama endpoint named {@code local}).
 */
public final class LlmExample {

  /** Submits one chat interaction and returns the model's answer. */
  public static String run(String dataDir) throws Exception {
    try (FakeModelServer server = FakeModelServer.start()) {
      String conf = "warden.data-dir = \"" + dataDir + "\"\n"
          + "warden.llm.endpoints.local { url = \"" + server.uri() + "\", api = ollama }\n"
          + "warden.llm.conversations { \"pdf-extract\" = slow }\n";
      List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
      kinds.addAll(List.of(LedgerKind.create(), LlmKind.create()));
      try (Warden warden = Warden.start(ConfigFactory.parseString(conf), kinds)) {
        // doc:begin llm-submit
        Llm llm = Llm.of(warden);   // registers the llm job types; journaled interactions resume
        List<ChatMessage> messages = List.of(new ChatMessage("user", "Extract the invoice total: ..."));
        String id = llm.submit(Interaction.of("pdf-extract", ModelCall.chat("local", "llama3", messages)))
            .toCompletableFuture().join();               // the interaction's id, once journaled
        CompletionStage<String> answer = llm.result(id);   // the model's text, once a call succeeded
        // doc:end llm-submit
        return answer.toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private LlmExample() {}
}
