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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One cluster node of {@link ClusterBench}: args {@code dataDir journalUrl arteryPort seeds minMembers jobs prefix goFile share}.
 * Joins, reports {@code ready} once every ledger partition answers through it and it runs at least
 * {@code share} of them itself, and {@code http} (its
 * API's URL), waits for {@code goFile}, then submits {@code jobs} no-op jobs through its own
 * {@link JobLedger} and reports {@code start_ms} and {@code end_ms} once all of them succeeded.
 * Then it runs until the parent kills it; a failure ends it at once (exit 1, the stack trace on stderr).
 */
public final class ClusterBenchChild {
  private ClusterBenchChild() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      // The node's ActorSystem would keep this JVM alive (and the parent waiting) without its main thread.
      t.printStackTrace();
      System.err.flush();
      System.exit(1);
    }
  }

  /** How many results are missing, and what the ledger says of the first few. */
  private static String missing(JobLedger ledger, String prefix, List<CompletableFuture<String>> results) throws Exception {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).isDone() && n++ < 3) {
        String id = prefix + i;
        out.append("\n  ").append(id).append(": ").append(ledger.status(id).toCompletableFuture().get(30, TimeUnit.SECONDS))
            .append(" ").append(ledger.history(id).toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
    }
    return n + " of " + results.size() + out;
  }

  private static void run(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int jobs = Integer.parseInt(args[5]);
    String seeds = "\"" + String.join("\", \"", args[3].split(",")) + "\"";
    String conf = "warden.node-name = bench-cluster-" + args[2] + "\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\n"
        + "warden.http { enabled = on, port = 0 }\n"
        + "warden.data-dir = \"" + data.toAbsolutePath() + "\"\n"
        + "warden.persistence.h2.url = \"" + args[1] + "\"\n"
        + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
        + " min-nr-of-members = " + args[4] + ", management.port = 0 }\n"
        // Three busy JVMs on two cores miss heartbeats for seconds; with Pekko's 3 s the resolver downed
        // members mid-run. The fail-over figure includes this pause.
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 8s\n"
        + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
        + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 2s\n";
    Warden w = Warden.start(ConfigFactory.parseString(conf).withFallback(LedgerBenchChild.userConfig()),
        dev.warden.persistence.ledger.LedgerKind.create());
    w.system().getWhenTerminated().thenRun(() -> {
      // Downed by the split-brain resolver (a starved machine can look like a dead member): say so and end.
      System.err.println("bench child: the node's ActorSystem terminated before the parent ended it (downed?)");
      System.err.flush();
      System.exit(1);
    });
    JobLedger ledger = JobLedger.of(w);
    CompletableFuture<String> done = CompletableFuture.completedFuture("");
    ledger.register(new JobType("noop", (p, ctx) -> done, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
    // Ready once this member holds its share of the partitions: a member that joins after the others
    // gets partitions one rebalance at a time, and the measured phase should not include the moves.
    int share = Integer.parseInt(args[8]);
    while (!ledger.recovered() || ledger.partitionsHere().size() < share) {
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
      try {
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
      } catch (TimeoutException e) {
        throw new IllegalStateException("results missing 3 min after the submits: " + missing(ledger, args[6], results), e);
      }
      LedgerBenchChild.put("start_ms", start);
      LedgerBenchChild.put("end_ms", System.currentTimeMillis());
    }
    w.system().getWhenTerminated().toCompletableFuture().join();
  }
}
