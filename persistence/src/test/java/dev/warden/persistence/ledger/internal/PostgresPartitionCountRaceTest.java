package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster members starting together on a new PostgreSQL database each record the ledger's partition
 * count in {@code warden_ledger_meta}: none of them may fail on the table's creation or the first
 * row (PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not safe against a concurrent one).
 */
class PostgresPartitionCountRaceTest {
  private static final int MEMBERS = 8;

  @TempDir Path dir;

  @Test
  void membersStartingAtOnceOnAFreshDatabaseAllRecordOrAgreeOnThePartitionCount() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(MEMBERS);
    try {
      for (int round = 0; round < 5; round++) { // the race is narrow: several fresh schemas, all members at one barrier
        try (TestPostgres pg = TestPostgres.freshSchema()) {
          PersistenceSettings db = PersistenceSettings.create(
              Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + pg.config())));
          CyclicBarrier together = new CyclicBarrier(MEMBERS);
          List<CompletableFuture<Void>> starts = new ArrayList<>();
          for (int m = 0; m < MEMBERS; m++) {
            starts.add(CompletableFuture.runAsync(() -> {
              try {
                together.await(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              SchemaBootstrap.ensure(db); // as a node's start does (once per JVM here; the advisory lock orders JVMs)
              PartitionCount.check(db, 16);
            }, pool));
          }
          for (CompletableFuture<Void> s : starts) {
            s.get(60, TimeUnit.SECONDS); // a member that failed throws here
          }
          try (Connection c = pg.connect(); Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT META_KEY, META_VALUE FROM warden_ledger_meta")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("16");
            assertThat(rs.next()).as("one row").isFalse();
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
