package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded in a host's ActorSystem, Warden can be closed and attached again: closing shuts the H2
 * database down after the final checkpoint, and the journal plugin, which lives as long as the host
 * system, opens fresh connections for the next attachment instead of failing on the closed ones.
 */
class AttachAgainTest {
  @TempDir Path dir;

  @Test
  void aSecondAttachmentInTheSameHostSystemSeesTheFirstOnesJobsAndRunsNewOnes() {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + LedgerNode.FAST;
    ActorSystem<Void> host = ActorSystem.create(Behaviors.empty(), "host", Warden.loadConfig(ConfigFactory.parseString(conf)));
    List<WorkerKind<?>> kinds = List.of(LedgerKind.create(), CheckpointerKind.create());
    try {
      Warden first = Warden.attach(host, kinds);
      JobLedger ledger = JobLedger.of(first);
      ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture("echo " + p)));
      assertEquals("echo one", await(ledger.submit("echo", "job-1", "one").thenCompose(v -> ledger.result("job-1"))));
      first.close();

      Warden second = Warden.attach(host, kinds);
      JobLedger again = JobLedger.of(second);
      again.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture("echo " + p)));
      assertEquals("echo one", await(again.result("job-1")), "the first attachment's job, recovered from the journal");
      assertEquals("echo two", await(again.submit("echo", "job-2", "two").thenCompose(v -> again.result("job-2"))));
      second.close();
      assertFalse(host.whenTerminated().isCompleted());
    } finally {
      host.terminate();
      await(host.getWhenTerminated());
    }
  }
}
