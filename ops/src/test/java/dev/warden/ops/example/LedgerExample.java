package dev.warden.ops.example;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The sample of docs/kinds/ledger.md, compiled and run by {@code KindExamplesTest}. */
public final class LedgerExample {

  /** A host's job body: heartbeats, then answers without blocking the thread it was called on. */
  static CompletionStage<String> resize(String payload, Runnable heartbeat) {
    heartbeat.run();
    return CompletableFuture.completedFuture("resized " + payload);
  }

  /** Registers a type, submits one job, pauses and resumes its type, and returns the job's result. */
  public static String run(String dataDir) throws Exception {
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(LedgerKind.create());
    try (Warden warden = Warden.start(ConfigFactory.parseString("warden.data-dir = \"" + dataDir + "\""), kinds)) {
      // doc:begin ledger-jobs
      JobLedger jobs = JobLedger.of(warden);
      jobs.register(new JobType("resize", (payload, ctx) -> resize(payload, ctx::heartbeat), JobPolicy.defaults()
          .withStartToClose(Duration.ofMinutes(2)).withHeartbeatTimeout(Duration.ofSeconds(30))));
      jobs.submit("resize", "img-42", "{...}").toCompletableFuture().join();   // idempotent by id; once journaled
      jobs.status("img-42");                      // JobView: status, attempt, cause, lastFailure (class, message, trace)
      jobs.pause("resize"); jobs.resume("resize"); // hold a type (journaled); submits are still accepted
      CompletionStage<String> result = jobs.result("img-42");   // completes when the job succeeded
      // doc:end ledger-jobs
      return result.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private LedgerExample() {}
}
