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
}
