package dev.warden.ops.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The database a ledger bench child measures: the node's H2 file under its data directory (the
 * default), or PostgreSQL when {@code warden.persistence.url} names one (e.g.
 * {@code ops/warden bench ledger -Dwarden.persistence.url=jdbc:postgresql://127.0.0.1:55432/warden
 * -Dwarden.persistence.user=warden -Dwarden.persistence.password=warden}). On PostgreSQL every run
 * gets a fresh schema named after its data directory (so the phases of one run share it, and runs
 * never see each other's rows); the node and the floor both use it, so the floor is measured on the
 * same database as the node.
 */
final class BenchDatabase {
  private BenchDatabase() {}

  /** The settings a child's node would use for {@code data}. */
  static PersistenceSettings settings(Path data) {
    Config cfg = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + data.toAbsolutePath() + "\"")
        .withFallback(LedgerBenchChild.userConfig()));
    return PersistenceSettings.create(cfg);
  }

  /**
   * On PostgreSQL: creates the run's schema if missing and points {@code warden.persistence.url} at
   * it, as a system property (above every configuration layer) of this child JVM. On H2: nothing.
   */
  static void useFreshSchema(Path data) throws SQLException {
    PersistenceSettings s = settings(data);
    if (s.dialect() != Dialect.POSTGRESQL) {
      return;
    }
    String schema = schema(data);
    try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password()); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    }
    System.setProperty("warden.persistence.url", inSchema(s.url(), schema));
    ConfigFactory.invalidateCaches();
  }

  /** On PostgreSQL, drops the run's schema (at the end of a run that needs no later phase). */
  static void dropSchema(Path data) throws SQLException {
    PersistenceSettings s = settings(data);
    if (s.dialect() != Dialect.POSTGRESQL) {
      return;
    }
    try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password()); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema(data) + " CASCADE");
    }
  }

  /** A PostgreSQL JDBC URL whose connections work in {@code schema}. */
  static String inSchema(String url, String schema) {
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static String schema(Path data) {
    return "warden_bench_" + Integer.toHexString(data.toAbsolutePath().normalize().toString().hashCode()).toLowerCase(Locale.ROOT);
  }

  /** The durability mode measured: H2's write delay, or PostgreSQL's fsync and synchronous_commit. */
  static String durability(Config resolved) {
    PersistenceSettings s = PersistenceSettings.create(resolved);
    if (s.dialect() != Dialect.POSTGRESQL) {
      return null;
    }
    try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password()); Statement st = c.createStatement()) {
      return "PostgreSQL fsync=" + show(st, "fsync") + " synchronous_commit=" + show(st, "synchronous_commit");
    } catch (SQLException e) {
      return "PostgreSQL (settings unreadable: " + e.getMessage() + ")";
    }
  }

  private static String show(Statement st, String setting) throws SQLException {
    try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }

  /** DDL of the floor's journal-shaped table on the database of {@code s}. */
  static String floorTable(PersistenceSettings s, String name) {
    return floorTable(s.dialect(), name);
  }

  /** DDL of the floor's journal-shaped table on a database of {@code dialect}. */
  static String floorTable(Dialect dialect, String name) {
    if (dialect == Dialect.POSTGRESQL) {
      return "CREATE TABLE " + name + " (ordering BIGSERIAL, deleted BOOLEAN DEFAULT FALSE, persistence_id VARCHAR(255),"
          + " sequence_number BIGINT, writer VARCHAR, write_timestamp BIGINT, adapter_manifest VARCHAR, event_payload BYTEA,"
          + " event_ser_id INTEGER, event_ser_manifest VARCHAR, meta_payload BYTEA, meta_ser_id INTEGER, meta_ser_manifest VARCHAR,"
          + " PRIMARY KEY(persistence_id, sequence_number))";
    }
    return "CREATE TABLE " + name + " (ordering BIGINT AUTO_INCREMENT, deleted BOOLEAN DEFAULT FALSE, persistence_id VARCHAR(255),"
        + " sequence_number BIGINT, writer VARCHAR, write_timestamp BIGINT, adapter_manifest VARCHAR, event_payload BLOB,"
        + " event_ser_id INTEGER, event_ser_manifest VARCHAR, meta_payload BLOB, meta_ser_id INTEGER, meta_ser_manifest VARCHAR,"
        + " PRIMARY KEY(persistence_id, sequence_number))";
  }
}
