package dev.warden.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema bootstrap on PostgreSQL ({@link TestPostgres}): in the URL's schema, once, and idempotent. */
class PostgresSchemaBootstrapTest {
  @TempDir Path dir;
  private TestPostgres pg;

  @BeforeEach
  void freshSchema() {
    SchemaBootstrap.forgetCheckedUrls();
    pg = TestPostgres.freshSchema();
  }

  @AfterEach
  void dropSchema() throws SQLException {
    pg.close();
  }

  @Test
  void createsThePostgresSchemaInTheUrlsSchemaAndCompletesAHalfCreatedOne() throws SQLException {
    PersistenceSettings settings = PersistenceSettings.create(
        Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n" + pg.config())));
    assertEquals(Dialect.POSTGRESQL, settings.dialect());

    assertEquals(SchemaBootstrap.Outcome.CREATED, SchemaBootstrap.ensure(settings));
    assertEquals(4, tables());
    assertEquals(3, indexes(), "the ordering index and durable_state's two");
    SchemaBootstrap.forgetCheckedUrls(); // as if the process restarted
    assertEquals(SchemaBootstrap.Outcome.ALREADY_PRESENT, SchemaBootstrap.ensure(settings));

    try (Connection c = pg.connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE durable_state"); // an interrupted first start: indexes of the others exist
    }
    SchemaBootstrap.forgetCheckedUrls();
    assertEquals(SchemaBootstrap.Outcome.CREATED, SchemaBootstrap.ensure(settings));
    assertEquals(4, tables());
    assertEquals(3, indexes());
  }

  private int tables() throws SQLException {
    return count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + pg.schema() + "'");
  }

  private int indexes() throws SQLException {
    return count("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '" + pg.schema() + "' AND indexname NOT LIKE '%pkey'");
  }

  private int count(String sql) throws SQLException {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
