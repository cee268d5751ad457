package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Solo;
import dev.warden.core.http.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode end to end: three node processes ({@link ClusterNodeMain}) on 127.0.0.1 form a
 * cluster over one shared journal (a subclass says which: {@link #journal()}); the scenarios run one
 * after another on that cluster (forming it is the expensive part). The journal itself, read with
 * {@link LedgerJournal}, is the judge of "exactly once".
 */
@Solo
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterTestBase {
  static final int PARTITIONS = 8;

  /** The shared journal the nodes use: its URL and credentials, and how to drop it afterwards. */
  protected record Journal(String url, String user, String password, AutoCloseable close) {}

  @TempDir static Path dir;
  private Journal journal;
  final int[] artery = new int[3];
  final int[] management = new int[3];
  final Process[] nodes = new Process[3];
  final ApiClient[] api = new ApiClient[3];
  /** The last answer of the shard route, for a failure message. */
  volatile String lastShards = "";

  /** A fresh shared journal for this class's cluster (called once, before the nodes start). */
  protected abstract Journal journal() throws Exception;

  @BeforeAll
  void formCluster() throws Exception {
    journal = journal();
    for (int i = 0; i < 3; i++) {
      artery[i] = freePort();
      management[i] = freePort();
    }
    long start = System.nanoTime();
    startNode(0);
    awaitUrl(0);
    startNode(1);
    startNode(2);
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
    }
    System.out.printf("cluster: three nodes formed and serving in %d ms%n", (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  void stopAll() throws Exception {
    for (Process p : nodes) {
      if (p != null) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (journal != null) {
      journal.close().close();
    }
  }

  /**
   * A client submitting jobs ({@code prefix} + n, {@code ms} of work each) one after another through
   * the given nodes in turn until stopped; counts only acknowledged submits (an unanswered one or a
   * node that is away is passed over).
   */
  final class Submitter implements AutoCloseable {
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean on = new AtomicBoolean(true);
    private final Thread thread;

    Submitter(String prefix, int ms, int... through) {
      thread = new Thread(() -> {
        for (int i = 0; on.get(); i++) {
          String id = prefix + i;
          ApiClient node = api[through[i % through.length]];
          try {
            if (node != null && submit(node, id, ms)) {
              acked.add(id);
              continue;
            }
          } catch (UncheckedIOException e) {
            // no answer (timed out while the partition moved, or the node is away): not acknowledged, so not counted
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // pace the next try while a node is away
        }
      }, "submitter-" + prefix);
      thread.setDaemon(true);
      thread.start();
    }

    Set<String> acked() {
      return acked;
    }

    /** Stops submitting; answers every acknowledged id. */
    Set<String> stop() throws InterruptedException {
      on.set(false);
      thread.join(30_000);
      return Set.copyOf(acked);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** Ledger partitions running on node {@code i}, from Pekko Management's shard route. */
  int hostedBy(int i) {
    ApiClient.Reply r = management(i, "/cluster/shards/sharded-daemon-process-warden-ledger");
    lastShards = "node " + i + ": " + r.status() + " " + r.body();
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body().path("regions").size(); // one {"shardId", "numEntities"} per shard of this node's region
  }

  ApiClient.Reply management(int i, String path) {
    return new ApiClient("http://127.0.0.1:" + management[i], null).get(path);
  }

  /** Waits until every id has a Succeeded event in the journal; returns each job's event labels. */
  Map<String, List<String>> awaitSucceeded(List<String> ids, Duration atMost) {
    Map<String, List<String>> out = new HashMap<>();
    await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
      Map<String, List<JobEvent>> byJob = LedgerJournal.read(journal.url(), journal.user(), journal.password()).byJob();
      out.clear();
      byJob.forEach((id, ev) -> out.put(id, ev.stream().map(JobEvent::label).toList()));
      return ids.stream().allMatch(id -> out.containsKey(id) && out.get(id).stream().anyMatch(e -> e.startsWith("Succeeded")));
    });
    return out;
  }

  static boolean submit(ApiClient node, String id, int ms) {
    int status = node.post("/api/v1/jobs", "{\"id\":\"" + id + "\",\"type\":\"work\",\"payload\":{\"ms\":" + ms + "}}").status();
    return status == 200 || status == 201;
  }

  /** Starts node {@code i} again on fresh ports (the old ones may linger in TIME_WAIT) and waits until it serves. */
  void restartNode(int i) throws IOException {
    artery[i] = freePort();
    management[i] = freePort();
    startNode(i);
    awaitReady(i);
  }

  private void startNode(int i) throws IOException {
    Files.deleteIfExists(dir.resolve("node-" + artery[i] + ".url"));
    String seeds = "127.0.0.1:" + artery[0] + ",127.0.0.1:" + artery[1];
    nodes[i] = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        ClusterNodeMain.class.getName(), dir.toString(), journal.url(), Integer.toString(artery[i]), seeds, Integer.toString(management[i]),
        journal.user(), journal.password())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + i + ".out").toFile()))
        .start();
    api[i] = null;
  }

  private void awaitUrl(int i) throws IOException {
    Path url = dir.resolve("node-" + artery[i] + ".url");
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(url) || !nodes[i].isAlive());
    assertThat(nodes[i].isAlive()).as(() -> "node " + i + " ended:\n" + out(i)).isTrue();
    api[i] = new ApiClient(Files.readString(url), null);
  }

  private void awaitReady(int i) throws IOException {
    if (api[i] == null) {
      awaitUrl(i);
    }
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> !nodes[i].isAlive() || api[i].get("/ready").status() == 200);
    assertThat(nodes[i].isAlive()).as(() -> "node " + i + " ended:\n" + out(i)).isTrue();
  }

  String out(int i) {
    try {
      return Files.readString(dir.resolve("node-" + i + ".out"));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  static int freePort() throws IOException {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
