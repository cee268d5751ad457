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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2.tools.Server;

/**
 * {@code warden bench cluster}: durable no-op jobs/s through one cluster node and through three on
 * the same shared journal (an H2 TCP server on 127.0.0.1 here; the journal is only a URL), the
 * database's raw insert floor measured from one JVM the same way (journal-shaped rows, 10 per
 * transaction), and fail-over time: kill -9 of a member until every partition answers a read
 * through a survivor. Each run on a fresh journal; medians over {@code --runs}. On one machine the
 * three JVMs share its cores and the journal, so the ratio says what a cluster costs here, not
 * what it gains on three machines.
 */
final class ClusterBench {
  private static final int PARTITIONS = 16;

  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;

  ClusterBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 30_000 : jobs;
  }

  void run(PrintStream out) throws Exception {
    double[] one = new double[runs];
    double[] three = new double[runs];
    double[] ratio = new double[runs];
    double[] floor = new double[runs];
    double[] failover = new double[runs];
    for (int r = 0; r < runs; r++) {
      Path dir = children.freshDir("warden-bench-cluster");
      Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-baseDir", dir.toString(), "-ifNotExists").start();
      try {
        floor[r] = floor(url(h2, dir, "floor"), jobs);
        one[r] = throughput(dir.resolve("one"), url(h2, dir, "one"), 1, null);
        double[] fail = new double[1];
        three[r] = throughput(dir.resolve("three"), url(h2, dir, "three"), 3, fail);
        failover[r] = fail[0];
        ratio[r] = three[r] / one[r];
      } finally {
        h2.stop();
        LedgerBench.deleteQuietly(dir);
      }
    }
    Figures.print(out, "cluster", "one_node", Figures.median(one), "jobs/s [H2 TCP, WRITE_DELAY=0]");
    Figures.print(out, "cluster", "three_nodes", Figures.median(three), "jobs/s [H2 TCP, WRITE_DELAY=0]");
    Figures.print(out, "cluster", "ratio", Figures.median(ratio), "x");
    Figures.print(out, "cluster", "insert_floor", Figures.median(floor), "rows/s [one JVM, 10 rows per transaction]");
    Figures.print(out, "cluster", "failover", Figures.median(failover), "ms [kill -9 -> every partition serving]");
    out.printf("%ncluster: %d run(s), %,d no-op jobs per side, %d partitions, child JVMs %s; three JVMs share this machine's cores"
            + " and one journal server; members tolerate 8 s heartbeat pauses (stable-after 3 s), which the fail-over time includes.%n  runs: one node %s, three nodes %s, ratio %s, floor %s, fail-over ms %s%n",
        runs, jobs, PARTITIONS, children.describe(), Arrays.toString(one), Arrays.toString(three), Arrays.toString(ratio),
        Arrays.toString(floor), Arrays.toString(failover));
  }

  private static String url(Server h2, Path dir, String db) {
    return "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + dir.resolve(db).toAbsolutePath() + ";WRITE_DELAY=0";
  }

  /**
   * Jobs/s through {@code nodes} members (each submits its share through its own ledger), first submit
   * to last success. With {@code failover} non-null, then kills the last member and measures until every
   * partition answers through the first.
   */
  private double throughput(Path dir, String url, int nodes, double[] failover) throws Exception {
    Files.createDirectories(dir);
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
        members.add(children.start("cluster-" + nodes + "-" + i, ClusterBenchChild.class, dir.resolve("n" + i).toString(), url,
            Integer.toString(ports[i]), seeds, Integer.toString(Math.min(2, nodes)), Integer.toString(share), "n" + i + "-", go.toString(), Integer.toString(PARTITIONS / nodes)));
      }
      for (ChildJvm m : members) {
        m.await("ready", Duration.ofMinutes(3));
      }
      Files.createFile(go);
      long start = Long.MAX_VALUE;
      long end = 0;
      for (ChildJvm m : members) {
        end = Math.max(end, Long.parseLong(m.await("end_ms", Duration.ofMinutes(15))));
        start = Math.min(start, Long.parseLong(m.await("start_ms", Duration.ofSeconds(1))));
      }
      double rate = jobs / ((end - start) / 1000.0);
      if (failover != null) {
        failover[0] = failover(members.get(0).await("http", Duration.ofSeconds(1)), members.get(nodes - 1));
      }
      return rate;
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

  /** Journal-shaped rows from this JVM, 10 per transaction: rows/s. */
  private static double floor(String url, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE floor_journal (ordering BIGINT AUTO_INCREMENT, deleted BOOLEAN DEFAULT FALSE, persistence_id VARCHAR(255),"
            + " sequence_number BIGINT, writer VARCHAR, write_timestamp BIGINT, adapter_manifest VARCHAR, event_payload BLOB,"
            + " event_ser_id INTEGER, event_ser_manifest VARCHAR, PRIMARY KEY(persistence_id, sequence_number))");
      }
      c.setAutoCommit(false);
      byte[] payload = new byte[200];
      long start = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO floor_journal (persistence_id, sequence_number, writer, write_timestamp,"
          + " adapter_manifest, event_payload, event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', ?, '', ?, 33, 'E')")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "p-" + (i % PARTITIONS));
          ps.setLong(2, i);
          ps.setLong(3, System.currentTimeMillis());
          ps.setBytes(4, payload);
          ps.addBatch();
          if (i % 10 == 9) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
