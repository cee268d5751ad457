package dev.warden.workers.llm;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The llm step of {@code warden demo}: a node on {@code dataDir} and an in-process model endpoint
 * on 127.0.0.1 that answers some calls, hangs one and answers one late. {@link #run} returns the
 * lines to print: the hung call reaped and retried, the late answer discarded, everything done.
 */
public final class LlmDemo {
  private LlmDemo() {}

  /** Config a node needs for {@link #run(Warden)}: a 1 s fast class and a quick reaper. */
  public static final String CONFIG =
      "warden.ledger.reaper.tick = 200ms\n"
          + "warden.llm.classes.fast.start-to-close = 1s\n"
          + "warden.llm.queue-heartbeat-interval = 200ms\n"
          + "warden.llm.retry { initial-backoff = 100ms, max-backoff = 100ms, jitter = 0 }\n";

  /** Runs the scenario (about 3 s) on a fresh node under {@code dataDir}; blocking, for the CLI. */
  public static List<String> run(Path dataDir) {
    try (Warden warden = Warden.start(ConfigFactory.parseString(config(dataDir)), LedgerKind.create(), LlmKind.create(), CheckpointerKind.create())) {
      return run(warden);
    }
  }

  /** Runs the scenario on a running node with the ledger and llm kinds and {@link #CONFIG}. */
  public static List<String> run(Warden warden) {
    List<String> out = new ArrayList<>();
    CountDownLatch lateRelease = new CountDownLatch(1);
    try (FakeModelServer server = FakeModelServer.start()) {
      server.script("answers", FakeModelServer.answer("a fine answer"));
      server.script("hangs", FakeModelServer.hang(), FakeModelServer.answer("answered on the retry"));
      server.script("late", FakeModelServer.late(lateRelease, "a late answer"), FakeModelServer.answer("answered on time"));
      out.add("llm: model endpoint on " + server.uri() + " (answers / hangs once / answers late once); the hanging and"
          + " late calls in the fast class, start-to-close 1s");
      Llm llm = Llm.of(warden);
      List<String> ids = new ArrayList<>();
      for (String model : List.of("answers", "answers", "hangs", "late", "answers")) {
        Interaction i = Interaction.of("demo-" + model,
            ModelCall.chat(ModelApi.OLLAMA_CHAT, server.uri(), model, List.of(new ChatMessage("user", "hello"))));
        // only the calls meant to be reaped get the 1 s class: a node's first calls (cold HTTP client, JIT) took
        // over 1.5 s on a loaded machine, and well-behaved answers were reaped too
        i = model.equals("answers") ? i : i.withTimeoutClass("fast");
        ids.add(get(llm.submit("demo-" + model + "-" + ids.size(), i, null)));
      }
      for (String id : ids) {
        out.add("llm: " + id + " -> \"" + get(llm.result(id)) + "\"");
      }
      lateRelease.countDown();
      try {
        server.awaitAborted(2, Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.add("llm: the server saw " + server.aborted() + " call(s) aborted by the reaper; the late answer reached no one");
      for (String id : ids) {
        out.add("llm: history " + id + ": " + get(llm.history(id)).stream().map(LlmDemo::name).collect(Collectors.joining(" → ")));
      }
      out.add("llm: the late answer of attempt 1 was discarded: only attempt 2's Completed is recorded, after Reaped#1");
    }
    return out;
  }

  private static String config(Path dataDir) {
    return "warden.data-dir = \"" + dataDir.toAbsolutePath().toString().replace("\\", "\\\\") + "\"\n"
        + "warden.ledger.partitions = 2\n" + CONFIG;
  }

  private static String name(JobEvent e) {
    return e instanceof JobEvent.Reaped r ? e.label() + "(" + r.reason() + ")" : e.label();
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("llm demo: " + e, e);
    }
  }
}
