package dev.warden.persistence.journal;

import dev.warden.persistence.Dialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.Option;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Warden's snapshot store: plain JDBC over Pekko Persistence JDBC's {@code snapshot} table and row
 * format (see {@link JdbcJournal} for why). Saves go through {@link JournalDb}'s writer, loads
 * through its readers; a snapshot's {@code created} column is its metadata's timestamp.
 */
public final class JdbcSnapshotStore extends SnapshotStore {
  private static final String CRITERIA =
      " WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ? AND \"created\" <= ?"
          + " AND \"sequence_number\" >= ? AND \"created\" >= ?";
  private static final String LOAD =
      "SELECT \"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\","
          + " \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\" FROM \"snapshot\"" + CRITERIA
          + " ORDER BY \"sequence_number\" DESC LIMIT 1";
  /** H2: one statement replaces a snapshot at the same sequence number. */
  private static final String SAVE =
      "MERGE INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\","
          + " \"snapshot_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\") KEY (\"persistence_id\", \"sequence_number\")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** Elsewhere (PostgreSQL): {@link #DELETE_ONE} then this, in one transaction of the writer. */
  private static final String INSERT =
      "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\","
          + " \"snapshot_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE_ONE = "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?";
  private static final String DELETE_MATCHING = "DELETE FROM \"snapshot\"" + CRITERIA;

  private final JournalDb db;
  private final Serialization serialization;

  public JdbcSnapshotStore() {
    this.db = JournalDb.ID.get(context().system());
    this.serialization = SerializationExtension.get(context().system());
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return FutureConverters.asScala(
        db.read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(LOAD)) {
                bindCriteria(ps, persistenceId, criteria);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? Optional.of(selected(persistenceId, rs)) : Optional.<SelectedSnapshot>empty();
                }
              }
            }));
  }

  private SelectedSnapshot selected(String persistenceId, ResultSet rs) throws SQLException {
    long seqNr = rs.getLong(1);
    String where = "snapshot " + persistenceId + " #" + seqNr;
    Object snapshot = Payload.read(serialization, rs, 5, 3, 4, where);
    Option<Object> meta = Option.apply(Payload.read(serialization, rs, 8, 6, 7, where + " metadata"));
    return SelectedSnapshot.create(new SnapshotMetadata(persistenceId, seqNr, rs.getLong(2), meta), snapshot);
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    Payload payload = Payload.of(serialization, snapshot);
    Payload meta = Payload.ofOptional(serialization, metadata.metadata());
    Sql.Params row = ps -> {
      ps.setString(1, metadata.persistenceId());
      ps.setLong(2, metadata.sequenceNr());
      ps.setLong(3, metadata.timestamp());
      Payload.bind(ps, payload, 6, 4, 5);
      Payload.bind(ps, meta, 9, 7, 8);
    };
    if (db.dialect() == Dialect.H2) {
      return write(SAVE, row);
    }
    return FutureConverters.asScala(
        db.write(
            c -> {
              Sql.update(c, DELETE_ONE, ps -> {
                ps.setString(1, metadata.persistenceId());
                ps.setLong(2, metadata.sequenceNr());
              });
              Sql.update(c, INSERT, row);
            }));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return write(DELETE_ONE, ps -> {
      ps.setString(1, metadata.persistenceId());
      ps.setLong(2, metadata.sequenceNr());
    });
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return write(DELETE_MATCHING, ps -> bindCriteria(ps, persistenceId, criteria));
  }

  private Future<Void> write(String sql, Sql.Params params) {
    return FutureConverters.asScala(db.write(c -> Sql.update(c, sql, params)));
  }

  private static void bindCriteria(PreparedStatement ps, String persistenceId, SnapshotSelectionCriteria criteria) throws SQLException {
    ps.setString(1, persistenceId);
    ps.setLong(2, criteria.maxSequenceNr());
    ps.setLong(3, criteria.maxTimestamp());
    ps.setLong(4, criteria.minSequenceNr());
    ps.setLong(5, criteria.minTimestamp());
  }
}
