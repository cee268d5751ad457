package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One cluster node of {@link ClusterBench}: args {@code dataDir journalUrl arteryPort seeds minMembers jobs prefix goFile}.
 * Joins, reports {@code ready} once every ledger partition answers through it and {@code http} (its
 * API's URL), waits for {@code goFile}, then submits {@code jobs} no-op jobs through its own
 * {@link JobLedger} and reports {@code start_ms} and {@code end_ms} once all of them succeeded.
 * Then it runs until the parent kills it.
 */
public final class ClusterBenchChild {
  private ClusterBenchChild() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int jobs = Integer.parseInt(args[5]);
    String seeds = "\"" + String.join("\", \"", args[3].split(",")) + "\"";
    String conf = "warden.node-name = bench-cluster-" + args[2] + "\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\n"
        + "warden.http { enabled = on, port = 0 }\n"
        + "warden.data-dir = \"" + data.toAbsolutePath() + "\"\n"
        + "warden.persistence.h2.url = \"" + args[1] + "\"\n"
        + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
        + " min-nr-of-members = " + args[4] + ", management.port = 0 }\n"
        + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n";
    Warden w = Warden.start(ConfigFactory.parseString(conf).withFallback(LedgerBenchChild.userConfig()),
        dev.warden.persistence.ledger.LedgerKind.create());
    JobLedger ledger = JobLedger.of(w);
    CompletableFuture<String> done = CompletableFuture.completedFuture("");
    ledger.register(new JobType("noop", (p, ctx) -> done, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
    while (!ledger.recovered()) {
      LockSupport.parkNanos(10_000_000);
    }
    LedgerBenchChild.put("http", w.httpUrl().orElseThrow());
    LedgerBenchChild.put("ready", 1);
    Path go = Path.of(args[7]);
    while (!Files.exists(go)) {
      LockSupport.parkNanos(5_000_000);
    }
    if (jobs > 0) {
      long start = System.currentTimeMillis();
      LedgerBenchChild.submitAll(ledger, "noop", jobs, args[6], "");
      List<CompletableFuture<String>> results = new ArrayList<>(jobs);
      for (int i = 0; i < jobs; i++) {
        results.add(ledger.result(args[6] + i).toCompletableFuture());
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
      LedgerBenchChild.put("start_ms", start);
      LedgerBenchChild.put("end_ms", System.currentTimeMillis());
    }
    w.system().getWhenTerminated().toCompletableFuture().join();
  }
}
