package dev.warden.persistence;

import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.journal.HighWaterMark;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Test program for {@link HighWaterTest}: a ledger node on the H2 file under {@code args[0]}
 * checkpointing every 100 ms runs {@code args[1]} jobs to success, then, once a checkpoint has
 * recorded them all in the high-water record, writes {@code ready} into that directory and parks
 * until it is killed.
 */
public final class HighWaterNodeMain {
  private HighWaterNodeMain() {}

  public static void main(String[] args) {
    try {
      Path dir = Path.of(args[0]);
      int jobs = Integer.parseInt(args[1]);
      Warden node = TestNode.start(dir, HighWaterTest.CONF + "warden.persistence.checkpoint.interval = 100ms\n",
          LedgerKind.create(), CheckpointerKind.create());
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      List<CompletableFuture<String>> results = IntStream.range(0, jobs)
          .mapToObj(i -> ledger.submit("work", "job-" + i, "payload of job " + i).thenCompose(v -> ledger.result("job-" + i))
              .toCompletableFuture())
          .toList();
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      long end;
      try (var c = java.sql.DriverManager.getConnection(TestNode.url(dir), "sa", "")) {
        end = HighWaterMark.Level.of(c).maxOrdering();
      }
      Path record = dir.resolve("warden" + HighWaterMark.SUFFIX);
      String covered = "journal-max-ordering=" + end + "\n";
      while (!Files.exists(record) || !Files.readString(record).contains(covered)) {
        new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS); // the next checkpoint is at most 100 ms away
      }
      Files.writeString(dir.resolve("ready"), Long.toString(end));
      new CountDownLatch(1).await(); // parked until the process is killed
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }
}
