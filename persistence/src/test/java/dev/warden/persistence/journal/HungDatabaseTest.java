package dev.warden.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.TestPostgres;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerBusyException;
import dev.warden.persistence.ledger.LedgerNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's PostgreSQL stops answering without closing anything (a hung server, a network path
 * that drops packets), here a proxy on 127.0.0.1 that goes silent; the connections it held never
 * answer again. Without a socket timeout the journal's writer waited on its connection for ever: the
 * call failed at the circuit breaker's call-timeout, but every later write queued behind the blocked
 * writer, and the node never wrote again. With {@code warden.persistence.socket-timeout} the statement
 * fails after that long, as a lost connection (an outage), and once the database answers again the
 * writer and the readers open fresh connections and jobs run.
 */
class HungDatabaseTest {
  @TempDir Path dir;

  @Test
  void aDatabaseThatStopsAnsweringFailsTheWriteAfterTheSocketTimeoutAndTheNodeWritesAgainOnceItAnswers() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      URI server = URI.create(pg.url().substring("jdbc:".length()));
      try (SilentProxy proxy = new SilentProxy(server.getHost(), server.getPort())) {
        String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getRawPath() + "?" + server.getRawQuery();
        String conf = pg.config() + "warden.persistence.url = \"" + url + "\"\n"
            + "warden.persistence.socket-timeout = 2s\nwarden.ledger.ask-timeout = 20s\n";
        try (Warden node = LedgerNode.start(dir, conf)) {
          JobLedger ledger = JobLedger.of(node);
          ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("r" + p)));
          ledger.submit("quick", "before", "0").toCompletableFuture().get(20, TimeUnit.SECONDS);
          assertThat(ledger.result("before").toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r0");
          JournalMXBean journal = JournalDb.mxBean(node.system());
          long failedBefore = journal.getFailedWrites();

          proxy.hang();
          long t0 = System.nanoTime();
          CompletableFuture<?> during = ledger.submit("quick", "during", "1").toCompletableFuture();
          assertThat(during).as("the write fails after the socket timeout (2 s), not at the breaker's 10 s call-timeout")
              .failsWithin(Duration.ofSeconds(8))
              .withThrowableOfType(ExecutionException.class)
              .havingCause().isInstanceOf(LedgerBusyException.class);
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
          assertThat(journal.getFailedWrites()).as("the write that met the silent database").isGreaterThan(failedBefore);
          assertThat(journal.getLastFailure()).as("the failure says what happened and which setting bounds it")
              .contains("did not answer within 2s (warden.persistence.socket-timeout)");

          proxy.forward();
          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            ledger.submit("quick", "after", "2").toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
          });
          assertThat(ledger.result("after").toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo("r2");
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            ledger.submit("quick", "during", "1").toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
          });
          assertThat(ledger.result("during").toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo("r1");
        }
      }
    }
  }
}
