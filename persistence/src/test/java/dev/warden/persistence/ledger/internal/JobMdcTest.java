package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The ledger's lines about one job carry its kind, id and type in the MDC, and only those lines do. */
class JobMdcTest {
  private static final RetryPolicy TWICE = RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ZERO, Duration.ZERO, 0);

  @TempDir Path dir;
  private Logger ledgerLogger;
  private final ListAppender<ILoggingEvent> events = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent e) {
      e.prepareForDeferredProcessing(); // the MDC is read now, on the thread that logged
      super.append(e);
    }
  };

  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ledgerLogger = context.getLogger("dev.warden.persistence.ledger");
    events.setContext(context);
    events.start();
    ledgerLogger.addAppender(events);
  }

  @AfterEach
  void detach() {
    ledgerLogger.detachAppender(events);
    events.stop();
  }

  @Test
  void failedGaveUpReapedAndStaleLinesCarryKindJobIdAndJobType() {
    CompletableFuture<String> firstSlowAttempt = new CompletableFuture<>();
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("boom", (p, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("no disk")),
          JobPolicy.defaults().withRetry(TWICE)));
      ledger.register(new JobType("slow", (p, ctx) -> ctx.attempt() == 1 ? firstSlowAttempt : CompletableFuture.completedFuture("ok"),
          JobPolicy.defaults().withStartToClose(Duration.ofMillis(200)).withRetry(TWICE)));
      await(ledger.submit("boom", "f1", ""));
      await(ledger.submit("slow", "s1", ""));
      assertEquals("ok", await(ledger.result("s1")));
      LedgerRoot.Handle handle = LedgerInternals.handle(ledger);
      handle.partitions().get(handle.settings().partitionOf("s1")).tell(new LedgerPartition.Complete("s1", 7, "from nowhere"));

      Map<String, String> failed = Map.of("kind", "ledger", "jobId", "f1", "jobType", "boom");
      Map<String, String> slow = Map.of("kind", "ledger", "jobId", "s1", "jobType", "slow");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertEquals(failed, mdcOf("ledger job \\[f1\\] type \\[boom\\] attempt \\[1\\] failed"));
        assertEquals(failed, mdcOf("ledger job \\[f1\\] type \\[boom\\] gave up at attempt \\[2\\]"));
        assertEquals(slow, mdcOf("ledger job \\[s1\\] attempt \\[1\\] reaped"));
        assertEquals(slow, mdcOf("ledger job \\[s1\\] completion for attempt \\[7\\] is stale"));
      });
      for (ILoggingEvent e : captured()) {
        String id = e.getMDCPropertyMap().get("jobId");
        assertTrue(id == null || e.getFormattedMessage().contains("[" + id + "]"), "the MDC of a line about another job: " + e);
      }
    }
  }

  /** The MDC keys of the one captured line matching {@code regex}. */
  private Map<String, String> mdcOf(String regex) {
    List<ILoggingEvent> matching = captured().stream()
        .filter(e -> java.util.regex.Pattern.compile(regex).matcher(e.getFormattedMessage()).find()).toList();
    assertEquals(1, matching.size(), regex + " in " + captured().stream().map(ILoggingEvent::getFormattedMessage).toList());
    Map<String, String> mdc = new java.util.TreeMap<>(matching.get(0).getMDCPropertyMap());
    mdc.keySet().retainAll(List.of("kind", "jobId", "jobType"));
    return mdc;
  }

  private List<ILoggingEvent> captured() {
    synchronized (events) {
      return List.copyOf(events.list);
    }
  }
}
