package dev.warden.workers.llm;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A real node (ledger, llm, checkpointer) on an H2 file, with test-sized timeouts. */
final class LlmNode {
  static final String FAST =
      "warden.ledger.partitions = 2\n"
          + "warden.ledger.reaper.tick = 100ms\n"
          + "warden.ledger.heartbeat.min-interval = 20ms\n"
          + "warden.supervision.default.backoff.min = 10ms\n"
          + "warden.llm.classes { fast { start-to-close = 500ms }, normal { start-to-close = 2s }, slow { start-to-close = 20s } }\n"
          + "warden.llm.heartbeat-timeout = 10s\n"
          + "warden.llm.queue-heartbeat-interval = 100ms\n"
          + "warden.llm.retry { initial-backoff = 0s, max-backoff = 0s, jitter = 0 }\n"
          + "warden.llm.latency.min-samples = 2\n"
          + "warden.llm.idle { threshold = 300ms, check-interval = 50ms }\n";

  private LlmNode() {}

  static Warden start(Path dir, String extra) {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + FAST + extra;
    return Warden.start(ConfigFactory.parseString(conf), LedgerKind.create(), LlmKind.create(), CheckpointerKind.create());
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  static List<String> names(Llm llm, String id) {
    return await(llm.history(id)).stream().map(LlmNode::name).collect(Collectors.toList());
  }

  static String name(JobEvent e) {
    return e.label();
  }

  static <T extends JobEvent> List<T> events(Llm llm, String id, Class<T> type) {
    return await(llm.history(id)).stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }
}
