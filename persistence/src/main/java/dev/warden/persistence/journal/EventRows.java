package dev.warden.persistence.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;

/**
 * Reading one persistence id's events from {@code event_journal}, shared by the journal's replay and the
 * read journal ({@link WardenReadJournal}), so both skip the same rows and decode payloads the same way.
 */
final class EventRows {
  private static final String SELECT =
      "SELECT \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\","
          + " \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"ordering\" FROM \"event_journal\""
          + " WHERE \"persistence_id\" = ? AND \"deleted\" = FALSE AND \"sequence_number\" >= ? AND \"sequence_number\" <= ?"
          + " ORDER BY \"sequence_number\" LIMIT ?";

  /** Takes one decoded event and its row's {@code ordering} (the read journal's offset). */
  @FunctionalInterface
  interface Each {
    void accept(PersistentRepr repr, long ordering) throws SQLException;
  }

  private EventRows() {}

  /**
   * Hands {@code each} the events of {@code persistenceId} numbered {@code from..to}, in order, at most
   * {@code max} of them; answers how many it handed. Rows marked deleted are skipped.
   */
  static int read(Connection c, Serialization serialization, String persistenceId, long from, long to, long max, Each each)
      throws SQLException {
    int n = 0;
    try (PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setString(1, persistenceId);
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setLong(4, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          each.accept(repr(serialization, persistenceId, rs), rs.getLong(11));
          n++;
        }
      }
    }
    return n;
  }

  private static PersistentRepr repr(Serialization serialization, String persistenceId, ResultSet rs) throws SQLException {
    long seqNr = rs.getLong(1);
    String where = "journal row " + persistenceId + " #" + seqNr;
    Object event = Payload.read(serialization, rs, 5, 6, 7, where);
    PersistentRepr repr =
        PersistentRepr.apply(event, seqNr, persistenceId, rs.getString(4), false, ActorRef.noSender(), rs.getString(2))
            .withTimestamp(rs.getLong(3));
    Object meta = Payload.read(serialization, rs, 8, 9, 10, where + " metadata");
    return meta == null ? repr : repr.withMetadata(meta);
  }
}
