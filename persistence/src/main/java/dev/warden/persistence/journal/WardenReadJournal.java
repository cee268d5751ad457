package dev.warden.persistence.journal;

import com.typesafe.config.Config;
import dev.warden.core.WardenConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The read journal of Warden's journal plugin (Pekko Persistence Query, Java API), plugin id {@value #IDENTIFIER}:
 * {@code PersistenceQuery.get(system).getReadJournalFor(WardenReadJournal.class, WardenReadJournal.IDENTIFIER)}.
 * It reads the rows the journal wrote through the same database code and payload decoding as a replay (rows marked
 * deleted are skipped), a page of {@code warden-journal.query.page-size} rows at a time, the next page only when
 * the stream asks for more: a long history is never held in memory. Offsets are the rows' {@code ordering}
 * ({@link Offset#sequence}), as in Pekko Persistence JDBC's read journal.
 *
 * <p>Offered: {@link CurrentEventsByPersistenceIdQuery} (the events stored when the query runs; the stream then
 * completes). Live queries and queries by tag are not: use Pekko Persistence JDBC's {@code jdbc-read-journal},
 * which reads the same rows.
 */
public final class WardenReadJournal implements CurrentEventsByPersistenceIdQuery {
  /** The read journal's plugin id: a {@code query} section of the journal plugin's config. */
  public static final String IDENTIFIER = JournalDb.PLUGIN + ".query";
  /** Pekko Persistence JDBC's journal plugin and its read journal. */
  static final String PEKKO_JDBC = "jdbc-journal";
  static final String PEKKO_JDBC_QUERY = "jdbc-read-journal";

  private final JournalDb db;
  private final Serialization serialization;
  private final int pageSize;
  private final Scala scala = new Scala();

  WardenReadJournal(JournalDb db, Serialization serialization, int pageSize) {
    this.db = db;
    this.serialization = serialization;
    this.pageSize = pageSize;
  }

  WardenReadJournal(ExtendedActorSystem system, int pageSize) {
    this(JournalDb.ID.get(system), SerializationExtension.get(system), pageSize);
  }

  /**
   * The plugin id of the read journal that reads what the configured journal plugin
   * ({@code pekko.persistence.journal.plugin}) writes: its {@code query} section when it has one (Warden's:
   * {@value #IDENTIFIER}), {@code jdbc-read-journal} for Pekko Persistence JDBC's {@code jdbc-journal}.
   */
  public static String pluginIdFor(Config config) {
    String key = "pekko.persistence.journal.plugin";
    String plugin = config.getString(key);
    if (!plugin.isEmpty() && config.hasPath(plugin + ".query.class")) {
      return plugin + ".query";
    }
    if (plugin.equals(PEKKO_JDBC)) {
      return PEKKO_JDBC_QUERY;
    }
    throw new WardenConfigException(key, key + " is \"" + plugin + "\", which has no read journal Warden knows (a \"" + plugin
        + ".query\" section with a class, or " + PEKKO_JDBC + "): use " + JournalDb.PLUGIN + " or " + PEKKO_JDBC);
  }

  /** Where the next page starts; {@code last} once a page came back short. */
  private record Cursor(long from, boolean last) {}

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return Source.unfoldAsync(new Cursor(fromSequenceNr, false), cursor -> next(persistenceId, cursor, toSequenceNr))
        .mapConcat(page -> page);
  }

  private CompletionStage<Optional<Pair<Cursor, List<EventEnvelope>>>> next(String persistenceId, Cursor cursor, long to) {
    if (cursor.last() || cursor.from() > to) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return page(persistenceId, cursor.from(), to).thenApply(page -> {
      long from = page.isEmpty() ? cursor.from() : page.get(page.size() - 1).sequenceNr() + 1;
      return Optional.of(Pair.create(new Cursor(from, page.size() < pageSize), page));
    });
  }

  private CompletionStage<List<EventEnvelope>> page(String persistenceId, long from, long to) {
    return db.read(c -> {
      List<EventEnvelope> page = new ArrayList<>();
      EventRows.read(c, serialization, persistenceId, from, to, pageSize, (repr, ordering) -> page.add(envelope(repr, ordering)));
      return page;
    });
  }

  private static EventEnvelope envelope(PersistentRepr repr, long ordering) {
    return new EventEnvelope(Offset.sequence(ordering), repr.persistenceId(), repr.sequenceNr(), repr.payload(), repr.timestamp(),
        repr.metadata());
  }

  /** The same read journal for Scala ({@code getReadJournalFor} in {@code scaladsl}). */
  public Scala asScala() {
    return scala;
  }

  /** The Scala API of {@link WardenReadJournal}. */
  public final class Scala implements org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery {
    private Scala() {}

    @Override
    public org.apache.pekko.stream.scaladsl.Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return WardenReadJournal.this.currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
    }
  }
}
