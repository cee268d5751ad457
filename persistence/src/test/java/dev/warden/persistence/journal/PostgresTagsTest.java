package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tagged events on PostgreSQL: each row's generated ordering, read by column name, keys its tags in event_tag. */
class PostgresTagsTest {
  @TempDir Path dir;

  @Test
  void taggedEventsGetTheirTagRowsUnderTheRowsOwnOrdering() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      var config = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + pg.config()));
      SchemaBootstrap.ensure(PersistenceSettings.create(config));
      ActorSystem<ReadJournalTest.Add> system = ActorSystem.create(new ReadJournalTest.Notes(), "notes", config);
      try {
        for (String text : List.of("a", "b", "c")) {
          AskPattern.<ReadJournalTest.Add, Done>ask(system, r -> new ReadJournalTest.Add(text, r), Duration.ofSeconds(10), system.scheduler())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
        }
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      List<String> rows = new ArrayList<>();
      try (Connection c = pg.connect();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT j.sequence_number, t.tag FROM event_journal j JOIN event_tag t ON t.event_id = j.ordering"
              + " WHERE j.persistence_id = 'notes-1' ORDER BY j.sequence_number")) {
        while (rs.next()) {
          rows.add(rs.getLong(1) + ":" + rs.getString(2));
        }
      }
      assertEquals(List.of("1:notes", "2:notes", "3:notes"), rows);
    }
  }
}
