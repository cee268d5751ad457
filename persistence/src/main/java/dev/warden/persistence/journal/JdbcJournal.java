package dev.warden.persistence.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.PinnedDispatcher;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Warden's event journal: a Pekko Persistence journal plugin on plain JDBC over the tables and
 * row format of Pekko Persistence JDBC ({@code event_journal}, {@code event_tag}), so either
 * plugin reads what the other wrote. It exists for start-up: on a cold JVM the first replay
 * through Slick took about half a second (its query compiler and executor warming up) before a
 * restarted node could run its first job; here a replay is one prepared statement.
 *
 * <p>Writes of all persistent actors go through {@link JournalDb}'s single writer, which commits
 * whatever arrived together in one transaction. Semantics follow Pekko Persistence JDBC: replay
 * skips rows marked deleted; the highest sequence number counts them; deleting up to a sequence
 * number marks those rows deleted and removes all of them but the highest, which keeps the
 * highest sequence number known after a restart.
 */
public final class JdbcJournal extends AsyncWriteJournal {
  private static final String INSERT =
      "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\","
          + " \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\","
          + " \"meta_ser_manifest\") VALUES (FALSE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** The generated key a tagged row's tags refer to. */
  private static final String[] ORDERING = {"ordering"};
  private static final String INSERT_TAG = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)";
  private static final String HIGHEST = "SELECT MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ?";
  private static final String MARK_DELETED =
      "UPDATE \"event_journal\" SET \"deleted\" = TRUE WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ? AND \"deleted\" = FALSE";
  private static final String HIGHEST_DELETED =
      "SELECT MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"deleted\" = TRUE";
  private static final String DELETE_BELOW =
      "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ? AND \"deleted\" = TRUE";

  /** One event as its row stores it. */
  private record Row(PersistentRepr repr, Payload event, Payload meta, Set<String> tags) {}

  private final JournalDb db;
  private final Serialization serialization;
  /**
   * Whether this actor has a thread of its own (Pekko's default plugin dispatcher is pinned): then
   * a lone write is committed here at once ({@link JournalDb#writeNow}) rather than handed to the
   * writer thread and back; on a shared dispatcher a commit must not hold one of its threads.
   */
  private final boolean ownThread;
  /** See {@link #untaggedInsert}: the connection its statement was prepared on, and the statement. */
  private Connection insertConnection;
  private PreparedStatement insertStatement;

  public JdbcJournal() {
    this.db = JournalDb.ID.get(context().system());
    this.serialization = SerializationExtension.get(context().system());
    this.ownThread = context().dispatcher() instanceof PinnedDispatcher;
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    long now = System.currentTimeMillis();
    List<Optional<Exception>> results = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (AtomicWrite write : messages) {
      List<Row> these = new ArrayList<>();
      try {
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          these.add(row(repr, now));
        }
        rows.addAll(these);
        results.add(Optional.empty());
      } catch (Exception e) { // NotSerializableException arrives undeclared, from Scala
        // Pekko's contract: a write that cannot be serialized is rejected (the actor goes on); the
        // other writes of the call are still stored.
        results.add(Optional.of(e));
      }
    }
    if (rows.isEmpty()) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(results));
    }
    JournalDb.Change insert = c -> insert(c, rows);
    CompletableFuture<Void> written = ownThread ? db.writeNow(insert) : db.write(insert);
    return FutureConverters.asScala(written.thenApply(v -> results));
  }

  private Row row(PersistentRepr repr, long now) {
    Object payload = repr.payload();
    Set<String> tags = Set.of();
    if (payload instanceof Tagged tagged) {
      payload = tagged.payload();
      tags = CollectionConverters.asJava(tagged.tags());
    }
    Payload meta = Payload.ofOptional(serialization, repr.metadata());
    long timestamp = repr.timestamp() > 0 ? repr.timestamp() : now;
    return new Row(repr.withTimestamp(timestamp), Payload.of(serialization, payload), meta, tags);
  }

  private void insert(Connection c, List<Row> rows) throws SQLException {
    if (rows.stream().anyMatch(r -> !r.tags.isEmpty())) {
      insertTagged(c, rows);
      return;
    }
    PreparedStatement ps = untaggedInsert(c);
    if (rows.size() == 1) {
      bind(ps, rows.get(0));
      ps.executeUpdate();
      return;
    }
    try {
      for (Row r : rows) {
        bind(ps, r);
        ps.addBatch();
      }
      ps.executeBatch();
    } finally {
      ps.clearBatch();
    }
  }

  /**
   * The untagged insert, prepared once per writers' connection rather than per write (a waited
   * submit's row is one such write; preparing it again cost tens of µs). Only called inside a
   * change, so under JournalDb's commit lock, one thread at a time.
   */
  private PreparedStatement untaggedInsert(Connection c) throws SQLException {
    if (c != insertConnection || insertStatement.isClosed()) {
      insertStatement = c.prepareStatement(INSERT);
      insertConnection = c;
    }
    return insertStatement;
  }

  private static void insertTagged(Connection c, List<Row> rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT, ORDERING)) {
      for (Row r : rows) {
        bind(ps, r);
        ps.executeUpdate();
        insertTags(c, ps, r.tags);
      }
    }
  }

  private static void bind(PreparedStatement ps, Row r) throws SQLException {
    PersistentRepr repr = r.repr;
    ps.setString(1, repr.persistenceId());
    ps.setLong(2, repr.sequenceNr());
    ps.setString(3, repr.writerUuid());
    ps.setLong(4, repr.timestamp());
    ps.setString(5, repr.manifest());
    Payload.bind(ps, r.event, 6, 7, 8);
    Payload.bind(ps, r.meta, 9, 10, 11);
  }

  private static void insertTags(Connection c, PreparedStatement inserted, Set<String> tags) throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    long ordering;
    try (ResultSet keys = inserted.getGeneratedKeys()) {
      if (!keys.next()) {
        throw new SQLException("the journal row's ordering was not returned; cannot store its tags " + tags);
      }
      ordering = keys.getLong(ORDERING[0]); // by name: PostgreSQL's driver may answer more columns than the key
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT_TAG)) {
      for (String tag : tags) {
        ps.setLong(1, ordering);
        ps.setString(2, tag);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return FutureConverters.asScala(
        db.write(
            c -> {
              Sql.update(c, MARK_DELETED, ps -> {
                ps.setString(1, persistenceId);
                ps.setLong(2, toSequenceNr);
              });
              long highestDeleted = Sql.number(c, HIGHEST_DELETED, ps -> ps.setString(1, persistenceId));
              Sql.update(c, DELETE_BELOW, ps -> {
                ps.setString(1, persistenceId);
                ps.setLong(2, highestDeleted);
              });
            }));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    if (max <= 0 || toSequenceNr < fromSequenceNr) {
      return FutureConverters.asScala(CompletableFuture.completedFuture(null));
    }
    return FutureConverters.asScala(
        db.read(c -> EventRows.read(c, serialization, persistenceId, fromSequenceNr, toSequenceNr, max, (repr, ordering) -> replayCallback.accept(repr)))
            .thenApply(n -> (Void) null));
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return FutureConverters.asScala(db.read(c -> Sql.number(c, HIGHEST, ps -> ps.setString(1, persistenceId))));
  }
}
