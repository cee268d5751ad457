package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.core.LogCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed attempt leaves its exception in the journal, in JobView and in the log. */
class FailureDetailsTest {
  private static final String BOUNDS = "warden.ledger.failures { max-message-chars = 40, max-stack-trace-chars = 3000 }\n";
  private static final RetryPolicy TWICE = RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ZERO, Duration.ZERO, 0);

  @TempDir Path dir;

  @Test
  void eachFailedAttemptKeepsClassMessageAndABoundedTraceAndIsLoggedOnceAtWarnAsIsTheGiveUp() throws Exception {
    String longMessage = "disk full on /data " + "x".repeat(500);
    try (LogCapture logs = new LogCapture(); Warden warden = LedgerNode.start(dir, BOUNDS)) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("boom", (p, ctx) -> {
        throw new IllegalStateException(longMessage, new IOException("device gone"));
      }, JobPolicy.defaults().withRetry(TWICE)));
      await(ledger.submit("boom", "f1", ""));
      assertTrue(ledger.result("f1").toCompletableFuture().handle((v, t) -> t != null).join());

      JobFailure last = status(ledger, "f1").lastFailure().orElseThrow();
      assertEquals(2, last.attempt());
      assertEquals("java.lang.IllegalStateException", last.errorClass());
      assertTrue(last.message().startsWith("disk full on /data xxx"), last.message());
      assertTrue(last.message().length() < 80, "the message is cut at 40 chars plus a marker: " + last.message());
      assertTrue(last.stackTrace().contains("\tat dev.warden.persistence.ledger."), last.stackTrace());
      assertTrue(last.stackTrace().length() <= 3000 + 80, "bounded: " + last.stackTrace().length());
      List<JobEvent> history = await(ledger.history("f1"));
      JobEvent.Failed first = (JobEvent.Failed) history.get(2);
      assertEquals("java.lang.IllegalStateException", first.errorClass());
      assertNull(first.stackTrace(), "memory keeps the last failure's trace only");
      assertNotNull(((JobEvent.Failed) history.get(5)).stackTrace());

      await().atMost(Duration.ofSeconds(5)).until(() -> !logs.matching("WARN", "ledger job \\[f1\\] type \\[boom\\] gave up").isEmpty());
      List<String> failed1 = logs.matching("WARN", "ledger job \\[f1\\] type \\[boom\\] attempt \\[1\\] failed: java.lang.IllegalStateException: disk full");
      assertEquals(1, failed1.size(), logs.lines().toString());
      assertTrue(failed1.get(0).contains("\tat dev.warden.persistence.ledger."), "logged with its stack trace: " + failed1.get(0));
      assertEquals(1, logs.matching("WARN", "ledger job \\[f1\\] type \\[boom\\] attempt \\[2\\] failed").size());
      assertEquals(1, logs.matching("WARN", "ledger job \\[f1\\] type \\[boom\\] gave up at attempt \\[2\\]: attempts exhausted").size());
    }
    List<JobEvent.Failed> journaled = LedgerJournal.read(dir).all(JobEvent.Failed.class);
    assertEquals(2, journaled.size());
    for (JobEvent.Failed f : journaled) {
      assertTrue(f.stackTrace().contains("Caused by: java.io.IOException: device gone"), "the journal keeps every trace: " + f.stackTrace());
    }
    try (Warden again = LedgerNode.start(dir, BOUNDS)) {
      JobFailure recovered = status(JobLedger.of(again), "f1").lastFailure().orElseThrow();
      assertEquals("java.lang.IllegalStateException", recovered.errorClass());
      assertTrue(recovered.stackTrace().contains("device gone"), "recovered with the job");
    }
  }
}
