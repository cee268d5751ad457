package dev.warden.persistence.ledger.internal;

import dev.warden.core.WardenConfigException;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.ledger.LedgerSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps {@code warden.ledger.partitions} fixed for the life of a journal. Job ids hash to
 * partitions, so a node started with another count would look for every stored job in the wrong
 * partition: pending work never dispatched, status answered "no such job", an idempotent submit
 * creating the job twice. The first start records the count in the database
 * ({@code WARDEN_LEDGER_META}); a later start with another count is refused before any partition
 * runs, naming both counts, and nothing stored is touched.
 */
public final class PartitionCount {
  static final String PATH = "warden.ledger.partitions";
  private static final String KEY = "partitions";

  private PartitionCount() {}

  /** Checks {@code configured} against the count recorded at {@code db}, recording it on the first start. */
  public static void check(PersistenceSettings db, int configured) {
    try (Connection c = db.connect()) {
      // PostgreSQL: members starting together on a new database would race on CREATE TABLE IF NOT
      // EXISTS (one fails on the catalog's unique index) and on the first row; the lock orders them.
      boolean locked = SchemaBootstrap.serializeDdl(c, db.dialect());
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE IF NOT EXISTS WARDEN_LEDGER_META (META_KEY VARCHAR(64) PRIMARY KEY, META_VALUE VARCHAR(255) NOT NULL)");
      }
      String recorded = recorded(c);
      if (recorded == null) {
        // A journal from before this check, or a new one: rows of a partition at or past the
        // configured count prove it was written with more (fewer cannot be told from the rows).
        int highest = highestPartitionWithRows(c, configured);
        if (highest >= 0) {
          throw new WardenConfigException(PATH, PATH + " = " + configured + ", but the journal at " + db.url()
              + " holds rows of ledger partition " + highest + ", so it was written with at least " + (highest + 1)
              + " partitions. Job ids hash to partitions: set it back to the count this journal was written with"
              + " (re-partitioning an existing journal is not supported).");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO WARDEN_LEDGER_META (META_KEY, META_VALUE) VALUES (?, ?)")) {
          ps.setString(1, KEY);
          ps.setString(2, Integer.toString(configured));
          ps.executeUpdate();
        } catch (SQLException e) {
          // Cluster members starting together on a new shared journal: another one recorded it first.
          String now = recorded(c);
          if (now == null) {
            throw e;
          }
          compare(db, configured, now);
        }
      } else {
        compare(db, configured, recorded);
      }
      if (locked) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the ledger's partition count at " + db.url() + ": " + e.getMessage(), e);
    }
  }

  private static void compare(PersistenceSettings db, int configured, String recorded) {
    if (!recorded.equals(Integer.toString(configured))) {
      throw new WardenConfigException(PATH, PATH + " = " + configured + ", but the journal at " + db.url()
          + " was written with " + recorded + " partitions. Job ids hash to partitions, so another count would lose"
          + " track of every stored job: set it back to " + recorded
          + " (re-partitioning an existing journal is not supported).");
    }
  }

  private static String recorded(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT META_VALUE FROM WARDEN_LEDGER_META WHERE META_KEY = ?")) {
      ps.setString(1, KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The highest partition number from {@code from} up to the limit (1024) with a journal row, or -1. */
  private static int highestPartitionWithRows(Connection c, int from) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet any = st.executeQuery("SELECT 1 FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'ledger-%' LIMIT 1")) {
      if (!any.next()) {
        return -1; // no ledger rows at all (a new database): nothing to probe partition by partition
      }
    }
    int highest = -1;
    String sql = "SELECT 1 FROM \"event_journal\" WHERE \"persistence_id\" = ? LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int p = from; p < LedgerSettings.MAX_PARTITIONS; p++) {
        ps.setString(1, LedgerPartition.persistenceId(p));
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            highest = p;
          }
        }
      }
    }
    return highest;
  }
}
