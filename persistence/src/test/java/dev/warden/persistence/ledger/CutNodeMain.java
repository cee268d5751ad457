package dev.warden.persistence.ledger;

import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test program for {@link CutAttemptsTest}: a ledger node on the H2 file under {@code args[0]}
 * whose "hang" handler writes {@code started-<attempt>} into that directory and never returns,
 * except that in mode {@code fail-second} attempt 2 fails at once. Mode {@code submit} also
 * submits job "poison". Runs until it is killed.
 */
public final class CutNodeMain {
  private CutNodeMain() {}

  public static void main(String[] args) {
    try {
      Path dir = Path.of(args[0]);
      String mode = args[1];
      Warden node = LedgerNode.start(dir, CutAttemptsTest.CONF);
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("hang", (p, ctx) -> {
        try {
          Files.writeString(dir.resolve("started-" + ctx.attempt()), ctx.jobId());
        } catch (java.io.IOException e) {
          return CompletableFuture.failedFuture(e);
        }
        if (mode.equals("fail-second") && ctx.attempt() == 2) {
          return CompletableFuture.failedFuture(new IllegalStateException("a failure of its own"));
        }
        return new CompletableFuture<>();
      }, CutAttemptsTest.POLICY));
      if (mode.equals("submit")) {
        ledger.submit("hang", "poison", "p").toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      new CountDownLatch(1).await(); // parked until the process is killed
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }
}
