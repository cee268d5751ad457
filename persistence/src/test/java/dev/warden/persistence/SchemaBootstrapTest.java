package dev.warden.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaBootstrapTest {
  @TempDir Path tmp;
  private LogCapture logs;

  @BeforeEach
  void capture() {
    SchemaBootstrap.forgetCheckedUrls();
    logs = new LogCapture();
  }

  @AfterEach
  void release() {
    logs.close();
  }

  private PersistenceSettings settingsFor(Path dataDir) {
    return PersistenceSettings.create(
        Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dataDir.toAbsolutePath() + "\"")));
  }

  @Test
  void createsSchemaInAMissingDirectoryOnceAndReportsAlreadyPresentAfterARestart() throws SQLException {
    Path dataDir = tmp.resolve("not/yet/there");
    PersistenceSettings settings = settingsFor(dataDir);

    assertEquals(SchemaBootstrap.Outcome.CREATED, SchemaBootstrap.ensure(settings));
    assertTrue(Files.isDirectory(dataDir));
    assertEquals(4, pluginTables(settings.url()));
    assertEquals(SchemaBootstrap.Outcome.CHECKED_BEFORE, SchemaBootstrap.ensure(settings));

    SchemaBootstrap.forgetCheckedUrls(); // as if the process restarted
    assertEquals(SchemaBootstrap.Outcome.ALREADY_PRESENT, SchemaBootstrap.ensure(settings));

    List<String> ready = logs.matching("^journal schema ready at ");
    assertEquals(2, ready.size(), ready.toString());
    assertTrue(ready.get(0).matches("journal schema ready at \\Q" + settings.url() + "\\E: created in \\d+ ms"), ready.get(0));
    assertTrue(ready.get(1).matches(".*: already present in \\d+ ms"), ready.get(1));
  }

  @Test
  void completesAHalfCreatedSchemaWhoseUniqueIndexAlreadyExists() throws SQLException {
    PersistenceSettings settings = settingsFor(tmp);
    List<String> ddl = SchemaBootstrap.statements(script());
    try (Connection c = DriverManager.getConnection(settings.url(), "sa", "");
        Statement st = c.createStatement()) {
      // an interrupted first start: the journal table and its (non-idempotent) unique index only
      st.execute(ddl.get(0));
      st.execute(ddl.get(1));
      assertTrue(ddl.get(1).startsWith("CREATE UNIQUE INDEX \"event_journal_ordering_idx\""), ddl.get(1));
      assertEquals(1, pluginTables(settings.url()));

      assertEquals(SchemaBootstrap.Outcome.CREATED, SchemaBootstrap.ensure(settings));
      assertEquals(4, pluginTables(settings.url()));
    }
  }

  private static String script() {
    try (var in = SchemaBootstrap.class.getClassLoader().getResourceAsStream(SchemaBootstrap.SCRIPT)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int pluginTables(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME IN"
                    + " ('event_journal', 'event_tag', 'snapshot', 'durable_state')")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
