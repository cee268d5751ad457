package dev.warden.persistence.ledger;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A real node (ledger + checkpointer) on an H2 file under {@code dir}, and small helpers. */
public final class LedgerNode {
  public static final String FAST =
      "warden.ledger.partitions = 4\n"
          + "warden.ledger.reaper.tick = 100ms\n"
          + "warden.ledger.heartbeat.min-interval = 20ms\n"
          + "warden.supervision.default.backoff.min = 10ms\n";

  private LedgerNode() {}

  public static Warden start(Path dir, String extra) {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + FAST + extra;
    return Warden.start(ConfigFactory.parseString(conf), LedgerKind.create(), CheckpointerKind.create());
  }

  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  /** Event names of a job's history, e.g. [Submitted, Started#1, Completed#1, Succeeded#1]. */
  public static List<String> names(JobLedger ledger, String id) {
    return await(ledger.history(id)).stream().map(LedgerNode::name).collect(Collectors.toList());
  }

  public static String name(JobEvent e) {
    return e.label();
  }

  public static JobView status(JobLedger ledger, String id) {
    return await(ledger.status(id)).orElseThrow(() -> new AssertionError("no job " + id));
  }
}
