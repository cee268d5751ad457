package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pekko Persistence JDBC's read journal (Pekko Persistence Query) reads what Warden's journal wrote,
 * by persistence id and by tag: same rows, same {@code ordering}, tags in {@code event_tag}.
 */
class ReadJournalTest {
  @TempDir Path dir;

  record Add(String text, ActorRef<Done> replyTo) {}

  /** Journals each text as a String event tagged "notes". */
  static final class Notes extends EventSourcedBehavior<Add, String, Integer> {
    Notes() {
      super(PersistenceId.ofUniqueId("notes-1"));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Add, String, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(Add.class, (s, c) -> Effect().persist(c.text()).thenReply(c.replyTo(), x -> Done.getInstance()))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
    }

    @Override
    public Set<String> tagsFor(String event) {
      return Set.of("notes");
    }
  }

  @Test
  void eventsWrittenByWardensJournalAreReadByPersistenceIdAndByTag() throws Exception {
    var config = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\""));
    assertEquals("warden-journal", config.getString("pekko.persistence.journal.plugin"));
    SchemaBootstrap.ensure(PersistenceSettings.create(config));
    ActorSystem<Add> system = ActorSystem.create(new Notes(), "notes", config);
    try {
      for (String text : List.of("a", "b", "c")) {
        AskPattern.<Add, Done>ask(system, r -> new Add(text, r), Duration.ofSeconds(10), system.scheduler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
      }
      JdbcReadJournal queries = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());

      List<EventEnvelope> byId =
          queries.currentEventsByPersistenceId("notes-1", 0, Long.MAX_VALUE).runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(List.of("a", "b", "c"), byId.stream().map(EventEnvelope::event).collect(Collectors.toList()));
      assertEquals(List.of(1L, 2L, 3L), byId.stream().map(EventEnvelope::sequenceNr).collect(Collectors.toList()));

      List<EventEnvelope> byTag =
          queries.currentEventsByTag("notes", Offset.noOffset()).runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(List.of("a", "b", "c"), byTag.stream().map(EventEnvelope::event).collect(Collectors.toList()));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
