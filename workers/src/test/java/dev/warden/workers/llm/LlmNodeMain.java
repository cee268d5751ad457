package dev.warden.workers.llm;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.LedgerKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test program: an llm node on the H2 file under {@code args[0]} (config from
 * {@code args[0]/node.conf}), calling the model server at {@code args[1]}. Mode {@code submit}
 * submits interactions {@code i-000..} ({@code args[2]} of them), prints {@code SUBMITTED n}, then
 * {@code IN FLIGHT n} once every one is running (calling or queued for a model permit), and runs
 * until it is killed. Mode {@code resume} only re-registers the llm types, waits until every
 * interaction succeeded, prints {@code DONE n} and stops gracefully. With a fifth argument, the
 * interactions call the endpoint of that name (configured in node.conf) instead of {@code args[1]}.
 */
public final class LlmNodeMain {
  static final String MODEL = "crash-model";

  static String id(int i) {
    return String.format("i-%03d", i);
  }

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }

  private static void run(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    URI model = URI.create(args[1]);
    int n = Integer.parseInt(args[2]);
    Config conf = ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n")
        .withFallback(ConfigFactory.parseFile(dir.resolve("node.conf").toFile()));
    Warden warden = Warden.start(conf, LedgerKind.create(), LlmKind.create(), CheckpointerKind.create());
    Llm llm = Llm.of(warden);
    if (args[3].equals("submit")) {
      List<CompletableFuture<String>> submitted = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<ChatMessage> messages = List.of(new ChatMessage("user", id(i)));
        ModelCall call = args.length > 4 ? ModelCall.chat(args[4], MODEL, messages) : ModelCall.chat(ModelApi.OLLAMA_CHAT, model, MODEL, messages);
        submitted.add(llm.submit(id(i), Interaction.of("crash", call), null).toCompletableFuture());
      }
      CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      System.out.println("SUBMITTED " + n);
      System.out.flush();
      for (int i = 0; i < 3000 && inFlight(llm) < n; i++) {
        TimeUnit.MILLISECONDS.sleep(10); // a test program polling its own bulkheads, not a test waiting
      }
      System.out.println("IN FLIGHT " + inFlight(llm));
      System.out.flush();
      warden.system().getWhenTerminated().toCompletableFuture().get();
    } else {
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        results.add(llm.result(id(i)).toCompletableFuture());
      }
      int exit = 0;
      try {
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
        System.out.println("DONE " + n);
      } catch (Exception e) {
        System.out.println("NOT DONE: " + e);
        exit = 2;
      }
      System.out.flush();
      warden.close();
      System.exit(exit); // Pekko's threads would keep the JVM alive
    }
  }

  /** Attempts the coordinator holds: calling the model or queued for one of its permits. */
  private static int inFlight(Llm llm) {
    return llm.stats().getRunningPerModel().getOrDefault(MODEL, 0) + llm.stats().getQueuedPerModel().getOrDefault(MODEL, 0);
  }

  private LlmNodeMain() {}
}
