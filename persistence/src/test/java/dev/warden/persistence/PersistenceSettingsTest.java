package dev.warden.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceSettingsTest {

  @Test
  void defaultsPutTheDatabaseUnderTheDataDir() {
    PersistenceSettings s = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"/srv/w\"")));
    assertEquals("jdbc:h2:file:/srv/w/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE", s.url());
    assertEquals("sa", s.user());
    assertEquals(Duration.ofSeconds(60), s.checkpointInterval());
    assertEquals(Duration.ofSeconds(5), s.finalTimeout());
    assertEquals(512, s.window());
    assertTrue(s.periodicCheckpoints());

    PersistenceSettings relative = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.empty()));
    assertEquals("jdbc:h2:file:./data/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE", relative.url());
  }

  @Test
  void postgresConnectionsGetTheTimeoutsUnlessTheUrlSetsThem() {
    String pg = "warden.persistence.url = \"jdbc:postgresql://127.0.0.1:5432/w%s\"\nwarden.persistence.password = \"secret\"\n";
    java.util.Properties props = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString(String.format(pg, ""))))
        .connectionProperties();
    assertEquals("30", props.getProperty("socketTimeout"));
    assertEquals("10", props.getProperty("connectTimeout"));
    assertEquals("true", props.getProperty("tcpKeepAlive"));
    assertEquals("secret", props.getProperty("password"));

    java.util.Properties own = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString(
        String.format(pg, "?socketTimeout=300&tcpKeepAlive=false") + "warden.persistence.connect-timeout = 3s\n"))).connectionProperties();
    assertEquals(null, own.getProperty("socketTimeout"), "the URL's own socketTimeout wins");
    assertEquals(null, own.getProperty("tcpKeepAlive"));
    assertEquals("3", own.getProperty("connectTimeout"));

    java.util.Properties off = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString(
        String.format(pg, "") + "warden.persistence.socket-timeout = 0s\n"))).connectionProperties();
    assertEquals(null, off.getProperty("socketTimeout"));

    java.util.Properties h2 = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.empty())).connectionProperties();
    assertEquals(null, h2.getProperty("socketTimeout"), "H2's driver has no such property");
  }

  @Test
  void aSocketTimeoutThatIsNotWholeSecondsOrIsNegativeIsRefusedNamingTheKey() {
    for (String bad : new String[] {"1500ms", "-1s"}) {
      WardenConfigException e = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(
          Warden.loadConfig(ConfigFactory.parseString("warden.persistence.socket-timeout = " + bad))));
      assertTrue(e.getMessage().startsWith("warden.persistence.socket-timeout must be"), e.getMessage());
    }
  }

  @Test
  void systemPropertyDataDirMovesTheDatabase() {
    System.setProperty("warden.data-dir", "/abs/dir");
    ConfigFactory.invalidateCaches();
    try {
      Config config = Warden.loadConfig(ConfigFactory.empty());
      assertEquals("jdbc:h2:file:/abs/dir/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE", PersistenceSettings.create(config).url());
      assertEquals(
          "jdbc:h2:file:/abs/dir/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE",
          config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    } finally {
      System.clearProperty("warden.data-dir");
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void journalPluginsShareOneDatabaseAtTheSameUrl() {
    Config config = Warden.loadConfig(ConfigFactory.parseString("warden.persistence.h2.file = \"/tmp/x/db\""));
    assertEquals("warden-journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals("warden-snapshot-store", config.getString("pekko.persistence.snapshot-store.plugin"));
    for (String plugin : new String[] {"jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal"}) {
      assertEquals("slick", config.getString(plugin + ".use-shared-db"), plugin);
    }
    assertEquals("jdbc:h2:file:/tmp/x/db;WRITE_DELAY=0;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE", config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    assertEquals(PersistenceSettings.create(config).url(), config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    assertEquals("fail", config.getString("pekko.persistence.typed.stash-overflow-strategy"));
  }

  @Test
  void negativeIntervalFailsStartNamingKeyAndValue(@TempDir Path dir) {
    WardenConfigException e =
        assertThrows(
            WardenConfigException.class,
            () -> TestNode.start(dir, "warden.persistence.checkpoint.interval = -5s", CheckpointerKind.create()));
    assertTrue(e.getMessage().contains("warden.persistence.checkpoint.interval"), e.getMessage());
    assertTrue(e.getMessage().contains("-5s"), e.getMessage());
    assertEquals("warden.persistence.checkpoint.interval", e.path());
    assertTrue(!Files.exists(dir.resolve("warden.mv.db")), "nothing was created before the rejection");
  }

  @Test
  void oversizedWindowIsRejected() {
    Config config = Warden.loadConfig(ConfigFactory.parseString("warden.persistence.checkpoint.window = 1000001"));
    WardenConfigException e = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(config));
    assertTrue(e.getMessage().contains("warden.persistence.checkpoint.window must be <= 100000, but was 1000001"), e.getMessage());
  }

  @Test
  void aPostgresUrlChoosesThePostgresDialectForEveryUserOfTheDatabase() {
    Config config = Warden.loadConfig(ConfigFactory.parseString(
        "warden.persistence { url = \"jdbc:postgresql://127.0.0.1:5432/warden\", user = warden, password = s3cret }"));
    PersistenceSettings s = PersistenceSettings.create(config);
    assertEquals(Dialect.POSTGRESQL, s.dialect());
    assertEquals("warden", s.user());
    assertEquals("s3cret", s.password());
    assertEquals(s.url(), config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    assertTrue(!s.toString().contains("s3cret"), s.toString());
    assertEquals(Dialect.H2, PersistenceSettings.create(Warden.loadConfig(ConfigFactory.empty())).dialect());
  }

  @Test
  void aDatabaseTheJournalDoesNotSpeakIsRefusedNamingTheKey() {
    Config config = Warden.loadConfig(ConfigFactory.parseString("warden.persistence.url = \"jdbc:mysql://127.0.0.1/warden\""));
    WardenConfigException e = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(config));
    assertEquals("warden.persistence.url", e.path());
    assertTrue(e.getMessage().contains("must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL"), e.getMessage());
  }

  @Test
  void thePasswordComesFromAnOwnerOnlyFileOrAnEnvironmentVariableAndIsNeverShown(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("db-password");
    Files.writeString(file, "from-the-file\nsecond line ignored\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    PersistenceSettings s = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString(
        "warden.persistence { password = unused, password-file = \"" + file + "\" }")));
    assertEquals("from-the-file", s.password());
    assertTrue(!s.toString().contains("from-the-file"), s.toString());

    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    WardenConfigException open = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(Warden.loadConfig(
        ConfigFactory.parseString("warden.persistence.password-file = \"" + file + "\""))));
    assertEquals("warden.persistence.password-file", open.path());
    assertTrue(open.getMessage().contains("chmod 600") && !open.getMessage().contains("from-the-file"), open.getMessage());

    // PATH is set in every environment the tests run in: it stands for a variable holding the password
    PersistenceSettings env = PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.persistence.password-env = PATH")));
    assertEquals(System.getenv("PATH"), env.password());

    WardenConfigException unset = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(Warden.loadConfig(
        ConfigFactory.parseString("warden.persistence.password-env = WARDEN_NO_SUCH_VARIABLE_FOR_TESTS"))));
    assertEquals("warden.persistence.password-env", unset.path());
    WardenConfigException both = assertThrows(WardenConfigException.class, () -> PersistenceSettings.create(Warden.loadConfig(
        ConfigFactory.parseString("warden.persistence { password-env = PATH, password-file = \"" + file + "\" }"))));
    assertEquals("warden.persistence.password-env", both.path());
  }
}
