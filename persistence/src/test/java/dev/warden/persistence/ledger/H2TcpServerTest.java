package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-install way for several nodes to share one journal: H2's TCP server on 127.0.0.1, the
 * nodes' {@code warden.persistence.url} pointing at it. A node runs its jobs there, and its stop
 * leaves the database open for the others (no H2 SHUTDOWN over TCP); a second node with a data
 * directory of its own finds the first one's jobs.
 */
class H2TcpServerTest {
  @TempDir Path serverDir;
  @TempDir Path nodeA;
  @TempDir Path nodeB;

  @Test
  void nodesShareAJournalOnAnH2TcpServerAndAStoppingNodeLeavesItOpen() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", serverDir.toString(), "-ifNotExists").start();
    try {
      String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1";
      String conf = "warden.persistence.url = \"" + url + "\"\n";
      try (Connection other = DriverManager.getConnection(url, "sa", "")) {
        try (Warden a = LedgerNode.start(nodeA, conf)) {
          JobLedger ledger = JobLedger.of(a);
          ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture("echo " + p)));
          for (int i = 0; i < 5; i++) {
            await(ledger.submit("echo", "job-" + i, "p" + i));
          }
          for (int i = 0; i < 5; i++) {
            assertEquals("echo p" + i, await(ledger.result("job-" + i)));
          }
        }
        try (Statement st = other.createStatement();
            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'ledger-%'")) {
          assertTrue(rs.next() && rs.getLong(1) > 0, "another session still reads the journal after the node stopped");
        }
      }
      try (Warden b = LedgerNode.start(nodeB, conf)) {
        JobLedger ledger = JobLedger.of(b);
        ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture("again " + p)));
        assertEquals("echo p3", await(ledger.result("job-3")));
        assertEquals(JobStatus.SUCCEEDED, LedgerNode.status(ledger, "job-3").status());
      }
      assertTrue(Files.exists(serverDir.resolve("warden.mv.db")), "the database lives in the server's directory");
      try (var files = Files.list(nodeA)) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".mv.db")), "no H2 file beside the node");
      }
    } finally {
      server.stop();
    }
  }
}
