package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The futures the facade hands a host complete on a partition's thread (a waiting caller is woken
 * by the partition itself), but a host's callback never runs there: one that blocks must not stall
 * the partition it came from.
 */
class HostFutureTest {
  private static final String INLINE = "ran inline";

  @TempDir Path dir;

  @Test
  void aHostCallbackThatBlocksDoesNotStallThePartitionThatAnswered() throws Exception {
    try (Warden warden = LedgerNode.start(dir, "warden.ledger.partitions = 1\n")) {
      JobLedger ledger = JobLedger.of(warden);
      await(ledger.pause("held"));
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocking = new CountDownLatch(1);
      // added while the submit is pending: the callback runs when the partition answers. A submit can be
      // answered before the callback is added; then it runs at once on this thread: try another submit.
      Thread testThread = Thread.currentThread();
      CompletableFuture<String> callback = null;
      for (int attempt = 0; attempt < 20 && callback == null; attempt++) {
        CompletableFuture<String> c = ledger.submit("held", "first-" + attempt, "").toCompletableFuture().thenApply(v -> {
          if (Thread.currentThread() == testThread) {
            return INLINE;
          }
          blocking.countDown();
          try {
            release.await(30, TimeUnit.SECONDS); // a host doing blocking work in its callback
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Thread.currentThread().getName();
        });
        if (!INLINE.equals(c.getNow(null))) {
          callback = c;
        }
      }
      assertThat(callback).as("a callback added while its submit was pending, in 20 tries").isNotNull();
      assertThat(blocking.await(10, TimeUnit.SECONDS)).as("the callback runs").isTrue();
      // the only partition answers the next submits while the first callback still blocks
      for (int i = 0; i < 5; i++) {
        assertThat(ledger.submit("held", "next-" + i, "").toCompletableFuture().get(10, TimeUnit.SECONDS).id()).isEqualTo("next-" + i);
      }
      assertThat(callback).isNotDone();
      release.countDown();
      assertThat(callback.get(10, TimeUnit.SECONDS)).isNotBlank();
    }
  }
}
