package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminal jobs restored from a snapshot keep their retention order: the oldest is forgotten
 * first, one per newer terminal job. Restoring used to queue every terminal job twice (once in
 * the snapshot's hash order, once in retention order), so the next completions forgot all of them.
 */
class RetentionAfterRestartTest {
  private static final String CONF =
      "warden.ledger.partitions = 1\nwarden.ledger.retained-terminal-per-partition = 3\nwarden.ledger.snapshot-every = 1\n";

  @TempDir Path dir;

  @Test
  void restoredTerminalJobsAreForgottenOldestFirst() {
    JobType quick = JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("r-" + ctx.jobId()));
    List<String> first = List.of("job-a", "job-b", "job-c");
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(quick);
      for (String id : first) {
        await(ledger.submit("quick", id, ""));
        assertEquals("r-" + id, await(ledger.result(id)));
      }
    }
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(quick);
      for (String id : first) {
        assertTrue(await(ledger.status(id)).isPresent(), id + " is retained after the restart");
      }
      await(ledger.submit("quick", "job-d", ""));
      assertEquals("r-job-d", await(ledger.result("job-d")));
      assertTrue(await(ledger.status("job-a")).isEmpty(), "the oldest terminal job is forgotten");
      for (String id : List.of("job-b", "job-c", "job-d")) {
        assertEquals(JobStatus.SUCCEEDED, await(ledger.status(id)).orElseThrow(() -> new AssertionError(id + " was forgotten")).status());
      }
    }
  }
}
