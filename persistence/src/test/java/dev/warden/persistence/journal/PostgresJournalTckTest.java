package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scalatest.tools.Runner;

/**
 * Pekko's conformance suites (see {@link JournalTckTest}) against Warden's journal and snapshot
 * store on PostgreSQL, each in a fresh schema created by the schema bootstrap. Needs the server of
 * {@code ops/ci/ensure-postgres} ({@link TestPostgres}).
 */
class PostgresJournalTckTest {
  /** The schema the suite being run uses: ScalaTest builds the suite itself, without arguments. */
  private static volatile TestPostgres current;

  private TestPostgres pg;

  @BeforeEach
  void freshSchema() {
    pg = TestPostgres.freshSchema();
    current = pg;
  }

  @AfterEach
  void dropSchema() throws Exception {
    current = null;
    pg.close();
  }

  static Config schemaConfig() {
    try {
      Config config =
          Warden.loadConfig(
              ConfigFactory.parseString(
                  "warden.data-dir = \"" + Files.createTempDirectory("warden-journal-tck-pg").toAbsolutePath() + "\"\n"
                      + current.config()
                      + "pekko.actor.allow-java-serialization = on\n"
                      + "pekko.actor.warn-about-java-serializer-usage = off\n"));
      PersistenceSettings settings = PersistenceSettings.create(config);
      assertEquals(Dialect.POSTGRESQL, settings.dialect());
      assertEquals(SchemaBootstrap.Outcome.CREATED, SchemaBootstrap.ensure(settings));
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static final class JournalSpec extends JavaJournalSpec {
    public JournalSpec() {
      super(schemaConfig());
    }

    @Override
    public CapabilityFlag supportsRejectingNonSerializableObjects() {
      return CapabilityFlag.on();
    }

    @Override
    public CapabilityFlag supportsSerialization() {
      return CapabilityFlag.on();
    }

    @Override
    public CapabilityFlag supportsMetadata() {
      return CapabilityFlag.on();
    }
  }

  public static final class SnapshotSpec extends JavaSnapshotStoreSpec {
    public SnapshotSpec() {
      super(schemaConfig());
    }

    @Override
    public CapabilityFlag supportsMetadata() {
      return CapabilityFlag.on();
    }
  }

  @Test
  void journalPassesPekkosPluginSuiteOnPostgres() throws Exception {
    assertTrue(runSuite(JournalSpec.class), "pekko-persistence-tck JournalSpec failed on PostgreSQL; see the report above");
    assertTrue(rows("event_journal") > 0, "the suite wrote into its own schema " + pg.schema());
  }

  @Test
  void snapshotStorePassesPekkosPluginSuiteOnPostgres() throws Exception {
    assertTrue(runSuite(SnapshotSpec.class), "pekko-persistence-tck SnapshotStoreSpec failed on PostgreSQL; see the report above");
    assertTrue(rows("snapshot") > 0, "the suite wrote into its own schema " + pg.schema());
  }

  private long rows(String table) throws Exception {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean runSuite(Class<?> suite) {
    return Runner.run(new String[] {"-s", suite.getName(), "-oW"});
  }
}
