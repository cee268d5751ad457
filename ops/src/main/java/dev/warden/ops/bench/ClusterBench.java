package dev.warden.ops.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code warden bench cluster}: durable no-op jobs/s through one cluster node and through three on
 * the same shared journal ({@link ClusterJournal}: PostgreSQL when it answers, else an H2 TCP server
 * on 127.0.0.1; {@code --journal} chooses), the database's raw insert floor measured the same way
 * (journal-shaped rows, 10 per transaction, from one JVM and from three at once), and fail-over time:
 * kill -9 of a member until every partition answers a read through a survivor. Each phase on a fresh
 * database; medians over {@code --runs}. Every submitter keeps at most {@code --in-flight} jobs in
 * flight (submitted, not yet succeeded; {@value #WINDOW} unless given), as a well-behaved client does:
 * an unbounded burst only measures queues (and the ledger's own bound on them). On one machine the three JVMs share its cores and the database, so the ratio says what a
 * cluster costs here, not what it gains on three machines.
 */
final class ClusterBench {
  private static final int PARTITIONS = 16;
  /**
   * Jobs in flight per submitting member. Unbounded (10,000 submits per member at once, two thirds of
   * them to partitions on the other members), the members marked each other unreachable 5-12 s into
   * the burst and the split-brain resolver downed them, with or without a dispatcher of their own for
   * the cluster's actors and Artery's control stream, while no GC pause exceeded 0.4 s and no thread
   * waited 1 s past its wake-up: the heartbeats queued in the remoting path behind the flood of
   * submits. With 256 in flight no member was marked unreachable. The ledger now bounds a member's
   * asks itself (warden.ledger.cluster.max-asks-in-flight); {@code --in-flight 10000} fires the burst
   * to show it.
   */
  static final int WINDOW = 256;
  /** The split-brain resolver's stable-after in the bench (and the tests); production's minimum is 7 s. */
  static final String STABLE_AFTER = "3s";

  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;
  private final String journal;
  private final int window;

  ClusterBench(ChildJvm.Options children, int runs, Integer jobs, String journal, int window) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 30_000 : jobs;
    this.journal = journal;
    this.window = window;
  }

  /** One phase's members: jobs/s, and the worst any member saw of what starves heartbeats. */
  private record Phase(double rate, long stallMs, long gcMs, long unreachable) {
    @Override
    public String toString() {
      return String.format("%.0f jobs/s (stall %d ms, GC %d ms, unreachable %d)", rate, stallMs, gcMs, unreachable);
    }
  }

  void run(PrintStream out) throws Exception {
    ClusterJournal.Target target = ClusterJournal.Target.choose(journal, children.defines());
    double[] one = new double[runs];
    double[] three = new double[runs];
    double[] ratio = new double[runs];
    double[] floor = new double[runs];
    double[] floor3 = new double[runs];
    double[] failover = new double[runs];
    List<String> phases = new ArrayList<>();
    String db = null;
    for (int r = 0; r < runs; r++) {
      Path dir = children.freshDir("warden-bench-cluster");
      try (ClusterJournal j = ClusterJournal.open(target, dir)) {
        db = j.describe();
        floor[r] = floor(j, dir, 1);
        floor3[r] = floor(j, dir, 3);
        Phase p1 = throughput(j, dir.resolve("one"), 1, null);
        double[] fail = new double[1];
        Phase p3 = throughput(j, dir.resolve("three"), 3, fail);
        one[r] = p1.rate();
        three[r] = p3.rate();
        failover[r] = fail[0];
        ratio[r] = three[r] / one[r];
        phases.add("one node " + p1 + ", three nodes " + p3);
      } finally {
        LedgerBench.deleteQuietly(dir);
      }
    }
    String on = "[" + db + ", " + window + " in flight per submitter]";
    Figures.print(out, "cluster", "one_node", Figures.median(one), "jobs/s " + on);
    Figures.print(out, "cluster", "three_nodes", Figures.median(three), "jobs/s " + on);
    Figures.print(out, "cluster", "ratio", Figures.median(ratio), "x [three nodes / one, same journal, same machine]");
    Figures.print(out, "cluster", "insert_floor", Figures.median(floor), "rows/s [" + db + ", one JVM, 10 rows per transaction]");
    Figures.print(out, "cluster", "insert_floor_three", Figures.median(floor3), "rows/s [" + db + ", three JVMs at once, 10 rows per transaction]");
    Figures.print(out, "cluster", "failover", Figures.median(failover),
        "ms [kill -9 -> every partition serving; stable-after " + STABLE_AFTER + ", heartbeat pause " + HEARTBEAT_PAUSE + "]");
    out.printf("%ncluster: %d run(s) on %s%s, %,d no-op jobs per side, %d partitions, at most %d jobs in flight per submitting member,"
            + " child JVMs %s.%n  Three JVMs share this machine's %d cores and one database server, so three nodes here are not expected to beat one:"
            + " the ratio shows what the cluster's messaging (sharding, remoting) costs per job when CPU is the bound.%n"
            + "  Fail-over = failure detection (acceptable heartbeat pause %s, Pekko's default) + split-brain resolver stable-after %s"
            + " (production minimum 7 s) + hand-over and recovery of the orphaned partitions.%n"
            + "  Each member's host keeps at most %d jobs in flight, and its ledger sends at most warden.ledger.cluster.max-asks-in-flight"
            + " asks through sharding at once (the rest wait in the facade): unbounded, a burst queued the heartbeats behind the submits"
            + " in remoting until the resolver downed members (docs/benchmarks.md).%n"
            + "  Starvation seen by the members while submitting (stall: longest extra wait of a thread sleeping 50 ms; unreachable:"
            + " members marked unreachable):%n    %s%n"
            + "  runs: one node %s, three nodes %s, ratio %s, floor %s, floor from three JVMs %s, fail-over ms %s%n",
        runs, db, target.why().isEmpty() ? "" : " (" + target.why() + ")", jobs, PARTITIONS, window, children.describe(),
        Runtime.getRuntime().availableProcessors(), HEARTBEAT_PAUSE, STABLE_AFTER, window, String.join("\n    ", phases),
        Arrays.toString(one), Arrays.toString(three), Arrays.toString(ratio), Arrays.toString(floor), Arrays.toString(floor3),
        Arrays.toString(failover));
  }

  /** Pekko's default acceptable heartbeat pause, which the members keep (printed with the fail-over figure). */
  static final String HEARTBEAT_PAUSE = "3s";

  /** Journal-shaped rows from {@code jvms} JVMs at once into one fresh table, 10 per transaction: rows/s. */
  private double floor(ClusterJournal j, Path dir, int jvms) throws Exception {
    String url = j.fresh("floor" + jvms);
    j.execute(url, j.floorTable("floor_journal"));
    Path go = dir.resolve("go-floor" + jvms);
    List<ChildJvm> writers = new ArrayList<>();
    try {
      for (int i = 0; i < jvms; i++) {
        int share = jobs / jvms + (i < jobs % jvms ? 1 : 0);
        writers.add(children.start("cluster-floor-" + jvms + "-" + i, j.env(), ClusterBenchChild.class,
            "floor", url, j.user(), "floor_journal", Integer.toString(share), "w" + i + "-p-", go.toString()));
      }
      Files.createFile(go);
      return jobs / (span(writers, Duration.ofMinutes(5)) / 1000.0);
    } finally {
      for (ChildJvm w : writers) {
        w.close();
      }
    }
  }

  /** First {@code start_ms} to last {@code end_ms} of {@code members}, ms. */
  private static long span(List<ChildJvm> members, Duration timeout) throws InterruptedException {
    long start = Long.MAX_VALUE;
    long end = 0;
    for (ChildJvm m : members) {
      end = Math.max(end, Long.parseLong(m.await("end_ms", timeout)));
      start = Math.min(start, Long.parseLong(m.await("start_ms", Duration.ofSeconds(1))));
    }
    return Math.max(1, end - start);
  }

  /**
   * Jobs/s through {@code nodes} members (each runs its share through its own ledger), first submit
   * to last success. With {@code failover} non-null, then kills the last member and measures until every
   * partition answers through the first.
   */
  private Phase throughput(ClusterJournal j, Path dir, int nodes, double[] failover) throws Exception {
    Files.createDirectories(dir);
    String url = j.fresh(nodes == 1 ? "one" : "three");
    int[] ports = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      ports[i] = freePort();
    }
    String seeds = "127.0.0.1:" + ports[0] + (nodes > 1 ? ",127.0.0.1:" + ports[1] : "");
    Path go = dir.resolve("go");
    List<ChildJvm> members = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        int share = jobs / nodes + (i < jobs % nodes ? 1 : 0);
        members.add(children.start("cluster-" + nodes + "-" + i, j.env(), ClusterBenchChild.class, "node", dir.resolve("n" + i).toString(),
            url, j.user(), Integer.toString(ports[i]), seeds, Integer.toString(Math.min(2, nodes)), Integer.toString(share), "n" + i + "-",
            go.toString(), Integer.toString(PARTITIONS / nodes), Integer.toString(window)));
      }
      for (ChildJvm m : members) {
        m.await("ready", Duration.ofMinutes(3));
      }
      Files.createFile(go);
      double rate = jobs / (span(members, Duration.ofMinutes(15)) / 1000.0);
      long stall = 0;
      long gc = 0;
      long unreachable = 0;
      for (ChildJvm m : members) {
        stall = Math.max(stall, Long.parseLong(m.await("stall_ms", Duration.ofSeconds(1))));
        gc = Math.max(gc, Long.parseLong(m.await("gc_ms", Duration.ofSeconds(1))));
        unreachable += Long.parseLong(m.await("unreachable", Duration.ofSeconds(1)));
      }
      if (failover != null) {
        failover[0] = failover(members.get(0).await("http", Duration.ofSeconds(1)), members.get(nodes - 1));
      }
      return new Phase(rate, stall, gc, unreachable);
    } finally {
      for (ChildJvm m : members) {
        m.close();
      }
    }
  }

  /** kill -9 of {@code victim}; ms until a read of one job in every partition succeeds through {@code survivor}. */
  private static double failover(String survivor, ChildJvm victim) throws Exception {
    Map<Integer, String> probe = new HashMap<>();
    for (int i = 0; probe.size() < PARTITIONS && i < 100_000; i++) {
      probe.putIfAbsent(Math.floorMod(("n0-" + i).hashCode(), PARTITIONS), "n0-" + i);
    }
    HttpClient client = HttpClient.newHttpClient();
    long killed = System.nanoTime();
    victim.kill();
    long deadline = killed + Duration.ofMinutes(2).toNanos();
    for (String id : probe.values()) {
      while (true) {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(survivor + "/api/v1/jobs/" + id)).timeout(Duration.ofSeconds(40)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 404) { // 404: the partition answered "no such job"
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("partitions not serving 2 min after the kill (GET " + id + ": " + r.statusCode() + ")");
        }
        Thread.sleep(50);
      }
    }
    return (System.nanoTime() - killed) / 1e6;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
