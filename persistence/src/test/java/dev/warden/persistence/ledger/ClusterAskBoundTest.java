package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.persistence.TestPostgres;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode's bound on one member's asks through sharding ({@code
 * warden.ledger.cluster.max-asks-in-flight}): a one-member cluster on PostgreSQL whose host submits
 * far more jobs at once than the bound, without waiting. Never more than the bound are in flight,
 * the rest wait in the facade and are all accepted once each; beyond the queue's own bound a submit
 * fails at once naming the key, and nothing of it is recorded; result() calls fired at once have
 * their own bound ({@code max-waits-in-flight}) and all answer once their jobs end; a node that
 * stops fails what waits, and the pauses and resumes still retrying.
 */
class ClusterAskBoundTest {
  private static final int BOUND = 32;
  private static final int QUEUE = 1000;
  private static final int WAITS = 16;
  private static final int WAITERS = 500;

  @TempDir Path dir;

  @Test
  void aBurstFarBeyondTheBoundIsSentAtMostBoundAtATimeAndOverflowFailsFastNamingTheKey() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      Warden node = member(pg, 1, "warden.ledger.cluster { max-asks-in-flight = " + BOUND + ", max-queued-asks = " + QUEUE
          + ", max-waits-in-flight = " + WAITS + " }\nwarden.jmx.enabled = on\nwarden.jmx.connector.enabled = off\n");
      try {
        JobLedger ledger = JobLedger.of(node);
        ledger.register(JobType.of("noop", (p, ctx) -> CompletableFuture.completedFuture("")));
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.recovered() && ledger.partitionsHere().size() == ledger.partitions());
        AskGate gate = ledger.askGate();
        assertThat(gate).as("cluster mode gates the facade's asks").isNotNull();

        // a burst the queue holds: every submit is accepted, at most BOUND at a time were sent
        List<CompletableFuture<JobView>> burst = submitAll(ledger, "held-", QUEUE);
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(gate.peakInFlight()).as("asks in flight at the burst's peak").isEqualTo(BOUND);
        // an operator reads the same figures over JMX and /metrics
        LedgerMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
            new JmxRegistry(node.jmxNode(), true).name("Ledger", null), LedgerMXBean.class);
        assertThat(bean.getClusterAsks()).containsEntry("asks-peak", BOUND).containsEntry("asks-in-flight", 0)
            .containsEntry("asks-queued", 0).containsEntry("waits-in-flight", 0).containsEntry("waits-queued", 0).containsKey("waits-peak");
        PrometheusText metrics = PrometheusText.parse(NodeMeters.get(node.system()).scrape());
        assertThat(metrics.value("warden_ledger_cluster_asks", Map.of("gate", "asks", "state", "peak"))).contains((double) BOUND);
        assertThat(metrics.value("warden_ledger_cluster_asks", Map.of("gate", "waits", "state", "in_flight"))).contains(0.0);

        // a burst beyond the queue: the overflow fails at once, naming the key; the rest are accepted
        List<CompletableFuture<JobView>> flood = submitAll(ledger, "flood-", 20 * QUEUE);
        long failedAtOnce = flood.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        Set<String> accepted = new HashSet<>();
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < flood.size(); i++) {
          try {
            accepted.add(flood.get(i).get(60, TimeUnit.SECONDS).id());
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).as("flood-" + i).isInstanceOf(LedgerBusyException.class)
                .hasMessageContaining("warden.ledger.cluster.max-queued-asks").hasMessageContaining("nothing was recorded");
            rejected.add("flood-" + i);
          }
        }
        assertThat(rejected).as("submits turned away by the queue's bound").isNotEmpty().hasSize((int) failedAtOnce);
        assertThat(gate.peakInFlight()).as("asks in flight at the flood's peak").isEqualTo(BOUND);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.queued()).isZero();

        // every accepted job exists once and runs; none turned away was recorded
        long total = QUEUE + accepted.size();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(ledger.count("noop", "succeeded")).isEqualTo(total));
        assertThat(ledger.counts().get("noop").values().stream().mapToLong(Long::longValue).sum()).as("jobs of every bucket").isEqualTo(total);
        assertThat(LedgerNode.await(ledger.status(rejected.get(0)))).as(rejected.get(0)).isEmpty();

        resultWaitsAreSentAtMostTheirBoundAtATime(ledger);

        // a node that stops fails every call still waiting for a slot
        List<CompletableFuture<JobView>> last = submitAll(ledger, "last-", QUEUE);
        node.close();
        for (CompletableFuture<JobView> f : last) {
          try {
            f.get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            // accepted before the stop, or failed by it: either way answered
          }
        }
      } finally {
        node.close();
      }
    }
  }

  /**
   * {@link #WAITERS} result() calls at once on jobs that end only when the test says: at most
   * {@link #WAITS} waits are in flight through sharding, the rest queue in the facade, and every
   * result arrives once the jobs end.
   */
  private static void resultWaitsAreSentAtMostTheirBoundAtATime(JobLedger ledger) throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    ledger.register(JobType.of("latched", (p, ctx) -> release.thenApply(v -> "done-" + p)));
    List<CompletableFuture<JobView>> submitted = new ArrayList<>();
    for (int i = 0; i < WAITERS; i++) {
      submitted.add(ledger.submit("latched", "latched-" + i, String.valueOf(i)).toCompletableFuture());
    }
    CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    AskGate waits = ledger.waitGate();
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < WAITERS; i++) {
      results.add(ledger.result("latched-" + i).toCompletableFuture());
    }
    assertThat(waits.inFlight()).as("result waits in flight before any job ended").isEqualTo(WAITS);
    assertThat(waits.queued()).as("result waits queued in the facade").isEqualTo(WAITERS - WAITS);
    assertThat(results).as("no result before the jobs end").noneMatch(CompletableFuture::isDone);
    release.complete(null);
    for (int i = 0; i < WAITERS; i++) {
      assertThat(results.get(i).get(60, TimeUnit.SECONDS)).as("latched-" + i).isEqualTo("done-" + i);
    }
    assertThat(waits.peakInFlight()).as("result waits in flight at the burst's peak").isEqualTo(WAITS);
    assertThat(waits.inFlight()).isZero();
    assertThat(waits.queued()).isZero();
  }

  /**
   * Pause and resume retry a Hold lost with a moving partition; a node that stops while they do
   * (in a try, or in the pause before the next) fails them at once: a retry scheduled as the
   * ActorSystem terminates never runs, and a try in flight then never times out. Here no partition
   * ever answers: the only member of a cluster that needs two before any is Up.
   */
  @Test
  void pauseAndResumeStillRetryingFailWhenTheNodeStopsInsteadOfWaitingForever() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      Warden node = member(pg, 2, "warden.ledger.cluster.try-timeout = 200ms\n"
          // no coordinator to hand the regions' shards to, no leader to move the member out: 10 s each by default
          + "pekko.coordinated-shutdown.phases { cluster-sharding-shutdown-region.timeout = 1s, cluster-leave.timeout = 1s,"
          + " cluster-exiting.timeout = 1s }\n");
      try {
        JobLedger ledger = JobLedger.of(node);
        CompletableFuture<Void> pause = ledger.pause("held").toCompletableFuture();
        CompletableFuture<Void> resume = ledger.resume("freed").toCompletableFuture();
        // tries of 200 ms, pauses of 100 ms doubling to 1 s, until ask-timeout (30 s)
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !pause.isDone() && !resume.isDone());
        node.close();
        for (CompletableFuture<Void> f : List.of(pause, resume)) {
          assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.ExecutionException.class)
              .hasMessageContaining("terminated");
        }
      } finally {
        node.close();
      }
    }
  }

  /** The one member of a cluster on {@code pg} that needs {@code members} before any is Up, with {@code extra} config. */
  private Warden member(TestPostgres pg, int members, String extra) throws Exception {
    int artery = freePort();
    return LedgerNode.start(dir, pg.config()
        + "warden.jmx.enabled = off\n"
        + "warden.cluster { enabled = on, port = " + artery + ", seed-nodes = [\"127.0.0.1:" + artery + "\"],"
        + " min-nr-of-members = " + members + ", management.port = " + freePort() + " }\n"
        + extra);
  }

  /** Submits {@code n} no-op jobs ({@code prefix} + i) at once, waiting for none. */
  private static List<CompletableFuture<JobView>> submitAll(JobLedger ledger, String prefix, int n) {
    List<CompletableFuture<JobView>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ledger.submit("noop", prefix + i, "").toCompletableFuture());
    }
    return out;
  }

  private static int freePort() throws Exception {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
