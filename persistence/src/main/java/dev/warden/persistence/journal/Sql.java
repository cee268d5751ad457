package dev.warden.persistence.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** One-statement helpers the journal, the snapshot store and the high-water mark share. */
final class Sql {
  private Sql() {}

  /** Sets a prepared statement's parameters. */
  @FunctionalInterface
  interface Params {
    void set(PreparedStatement ps) throws SQLException;
  }

  /** Runs one update statement on {@code c}; answers the rows it changed. */
  static int update(Connection c, String sql, Params params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.set(ps);
      return ps.executeUpdate();
    }
  }

  /** Runs a query whose answer is one number (e.g. {@code MAX(...)}); SQL NULL reads as 0. */
  static long number(Connection c, String sql, Params params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      params.set(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }
}
