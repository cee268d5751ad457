package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller waiting on the ledger when its node's ActorSystem ends (stopped, or in cluster mode
 * downed by the split-brain resolver) is told so, instead of waiting forever: the asks' timeouts
 * run on that system's scheduler, which is gone.
 */
class JobLedgerStopTest {
  @TempDir Path dir;

  @Test
  void aResultWaitFailsWhenTheNodeStopsInsteadOfWaitingForever() {
    CompletableFuture<String> waiting;
    try (Warden node = LedgerNode.start(dir, "warden.ledger.shutdown.drain-timeout = 100ms\n")) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("never", (p, ctx) -> new CompletableFuture<>()));
      await(ledger.submit("never", "stuck", ""));
      waiting = ledger.result("stuck").toCompletableFuture();
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
    assertThat(e.getCause()).hasMessageContaining("terminated");
  }
}
