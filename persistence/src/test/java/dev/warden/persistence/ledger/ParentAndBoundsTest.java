package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParentAndBoundsTest {
  @TempDir Path dir;

  @Test
  void childIsBlockedWhenParentGivesUpAndReleasedWhenTheParentIsRetriedAndSucceeds() {
    AtomicBoolean parentMayPass = new AtomicBoolean(false);
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(
          new JobType("step", (p, ctx) -> p.equals("parent") && !parentMayPass.get()
              ? CompletableFuture.failedFuture(new IllegalStateException("parent broke"))
              : CompletableFuture.completedFuture(p + " ok"), JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
      await(ledger.submit("step", "parent-a", "parent"));
      await(ledger.submit("step", "child-b", "child", "parent-a"));
      await().atMost(Duration.ofSeconds(5)).until(() -> status(ledger, "child-b").status() == JobStatus.BLOCKED_BY_PARENT);
      assertEquals(JobStatus.GAVE_UP, status(ledger, "parent-a").status());
      await().atMost(Duration.ofSeconds(5)).until(() -> ledger.counts().get("step").getOrDefault("blocked", 0L) == 1L);

      parentMayPass.set(true);
      await(ledger.retry("parent-a"));
      assertEquals("parent ok", await(ledger.result("parent-a")));
      assertEquals("child ok", await(ledger.result("child-b")));
      List<String> child = LedgerNode.names(ledger, "child-b");
      assertEquals(List.of("Submitted", "BlockedByParent", "Released", "Started#1", "Completed#1", "Succeeded"), child);
    }
  }

  @Test
  void childWaitsForItsParentToSucceed() {
    CompletableFuture<String> gate = new CompletableFuture<>();
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("step", (p, ctx) -> p.equals("parent") ? gate : CompletableFuture.completedFuture("child ok")));
      await(ledger.submit("step", "p1", "parent"));
      await(ledger.submit("step", "c1", "child", "p1"));
      assertEquals(JobStatus.WAITING_FOR_PARENT, status(ledger, "c1").status());
      gate.complete("parent ok");
      assertEquals("child ok", await(ledger.result("c1")));
    }
  }

  @Test
  void boundReachedGivesAClearRejectionAndNothingAcceptedIsDropped() {
    String conf = "warden.ledger.partitions = 1\nwarden.ledger.command-buffer = 50\nwarden.ledger.max-live-jobs-per-partition = 120\n";
    try (Warden warden = LedgerNode.start(dir, conf)) {
      JobLedger ledger = JobLedger.of(warden);
      CompletableFuture<String> gate = new CompletableFuture<>();
      ledger.register(JobType.of("held", (p, ctx) -> gate));
      List<CompletableFuture<JobView>> submits = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        submits.add(ledger.submit("held", "j" + i, "").toCompletableFuture());
      }
      int accepted = 0;
      int busy = 0;
      List<String> acceptedIds = new ArrayList<>();
      for (CompletableFuture<JobView> f : submits) {
        try {
          acceptedIds.add(f.join().id());
          accepted++;
        } catch (CompletionException e) {
          assertInstanceOf(LedgerBusyException.class, e.getCause());
          assertTrue(e.getCause().getMessage().contains("warden.ledger."), e.getCause().getMessage());
          busy++;
        }
      }
      assertEquals(1000, accepted + busy, "every submit answered");
      assertTrue(busy > 0, "the bound was reached");
      assertTrue(accepted <= 120, "live bound holds: " + accepted);
      gate.complete("released");
      for (String id : acceptedIds) {
        assertEquals("released", await(ledger.result(id)));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> ledger.counts().get("held").getOrDefault("succeeded", 0L) == acceptedIds.size());
    }
  }
}
