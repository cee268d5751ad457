package dev.warden.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's read journal ({@code warden-journal.query}) on an H2 file and on PostgreSQL: a persistence id's
 * events in order with their payloads decoded, from and to a sequence number, read a page at a time and only as
 * far as the stream asks; a row that does not decode fails the stream naming it.
 */
class WardenReadJournalTest {
  private static final List<String> TEXTS = List.of("a", "b", "c", "d", "e", "f", "g");
  private static final int PAGE = 3;

  @TempDir Path dir;

  @Test
  void readsEventsInOrderAPageAtATimeOnAnH2File() throws Exception {
    check(config(""));
  }

  @Test
  void readsEventsInOrderAPageAtATimeOnPostgres() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      check(config(pg.config()));
    }
  }

  @Test
  void thePluginIdFollowsTheConfiguredJournalPlugin() {
    Config config = config("");
    assertThat(WardenReadJournal.pluginIdFor(config)).isEqualTo("warden-journal.query");
    assertThat(WardenReadJournal.pluginIdFor(ConfigFactory.parseString("pekko.persistence.journal.plugin = jdbc-journal")
        .withFallback(config))).isEqualTo("jdbc-read-journal");
    assertThatThrownBy(() -> WardenReadJournal.pluginIdFor(ConfigFactory.parseString("pekko.persistence.journal.plugin = other")
        .withFallback(config)))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("pekko.persistence.journal.plugin is \"other\"");
  }

  @Test
  void aPageSizeBelowOneIsRefusedNamingTheKey() throws Exception {
    Config config = config("warden-journal.query.page-size = 0\n");
    SchemaBootstrap.ensure(PersistenceSettings.create(config));
    ActorSystem<ReadJournalTest.Add> system = ActorSystem.create(new ReadJournalTest.Notes(), "notes", config);
    try {
      assertThatThrownBy(() -> PersistenceQuery.get(system).getReadJournalFor(WardenReadJournal.class, WardenReadJournal.IDENTIFIER))
          .hasStackTraceContaining("warden-journal.query.page-size");
    } finally {
      stop(system);
    }
  }

  private Config config(String extra) {
    return Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n"
        + "warden-journal.query.page-size = " + PAGE + "\n" + extra));
  }

  private static void check(Config config) throws Exception {
    SchemaBootstrap.ensure(PersistenceSettings.create(config));
    ActorSystem<ReadJournalTest.Add> system = ActorSystem.create(new ReadJournalTest.Notes(), "notes", config);
    try {
      for (String text : TEXTS) {
        AskPattern.<ReadJournalTest.Add, Done>ask(system, r -> new ReadJournalTest.Add(text, r), Duration.ofSeconds(10), system.scheduler())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      WardenReadJournal queries = PersistenceQuery.get(system).getReadJournalFor(WardenReadJournal.class, WardenReadJournal.IDENTIFIER);
      JournalMXBean stats = JournalDb.mxBean(system);

      long before = settledReads(stats);
      List<EventEnvelope> all = run(system, queries.currentEventsByPersistenceId("notes-1", 0, Long.MAX_VALUE));
      assertThat(all).extracting(EventEnvelope::event).containsExactlyElementsOf(TEXTS);
      assertThat(all).extracting(EventEnvelope::sequenceNr).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(all).allSatisfy(e -> assertThat(e.persistenceId()).isEqualTo("notes-1"));
      List<Long> offsets = all.stream().map(e -> ((Sequence) e.offset()).value()).collect(Collectors.toList());
      assertThat(offsets).isSorted().doesNotHaveDuplicates();
      assertThat(all).allSatisfy(e -> assertThat(e.timestamp()).isPositive());
      awaitReads(stats, before + 3); // 7 events in pages of 3: 3 + 3 + 1

      assertThat(run(system, queries.currentEventsByPersistenceId("notes-1", 5, Long.MAX_VALUE))).extracting(EventEnvelope::event)
          .containsExactly("e", "f", "g");
      assertThat(run(system, queries.currentEventsByPersistenceId("notes-1", 2, 4))).extracting(EventEnvelope::event)
          .containsExactly("b", "c", "d");
      assertThat(run(system, queries.currentEventsByPersistenceId("notes-1", 8, Long.MAX_VALUE))).isEmpty();
      assertThat(run(system, queries.currentEventsByPersistenceId("nobody", 0, Long.MAX_VALUE))).isEmpty();

      // the next page is read only when the stream asks for more: two events cost one page
      before = settledReads(stats);
      assertThat(run(system, queries.currentEventsByPersistenceId("notes-1", 0, Long.MAX_VALUE).take(2)))
          .extracting(EventEnvelope::event).containsExactly("a", "b");
      awaitReads(stats, before + 1);

      // the Scala API reads the same events
      WardenReadJournal.Scala scala = PersistenceQuery.get(system).readJournalFor(WardenReadJournal.IDENTIFIER);
      assertThat(run(system, scala.currentEventsByPersistenceId("notes-1", 6, Long.MAX_VALUE).asJava()))
          .extracting(EventEnvelope::event).containsExactly("f", "g");
      // and through the Java interface the replica uses
      CurrentEventsByPersistenceIdQuery generic =
          PersistenceQuery.get(system).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, WardenReadJournal.pluginIdFor(config));
      assertThat(run(system, generic.currentEventsByPersistenceId("notes-1", 7, 7))).extracting(EventEnvelope::event).containsExactly("g");

      PersistenceSettings db = PersistenceSettings.create(config);
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE \"event_journal\" SET \"event_ser_id\" = 987654 WHERE \"persistence_id\" = 'notes-1' AND \"sequence_number\" = 5");
      }
      assertThatThrownBy(() -> run(system, queries.currentEventsByPersistenceId("notes-1", 0, Long.MAX_VALUE)))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("journal row notes-1 #5");
    } finally {
      stop(system);
    }
  }

  private static void awaitReads(JournalMXBean stats, long expected) {
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(stats.getReads()).as("journal reads").isEqualTo(expected));
  }

  /**
   * The read count once no read is still being counted: a read's count is added when its future
   * completes, which can come after the caller that waited for it went on (the actor's recovery reads).
   */
  private static long settledReads(JournalMXBean stats) {
    AtomicLong last = new AtomicLong(-1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> last.getAndSet(stats.getReads()) == stats.getReads());
    return last.get();
  }

  private static List<EventEnvelope> run(ActorSystem<?> system, Source<EventEnvelope, ?> source) throws Exception {
    return source.runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void stop(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
