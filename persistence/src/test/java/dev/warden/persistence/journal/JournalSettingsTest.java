package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSettingsTest {
  @Test
  void defaults() {
    JournalSettings s = JournalSettings.create(Warden.loadConfig(ConfigFactory.empty()));
    assertEquals(new JournalSettings(2, 10_000, 64, false), s);
  }

  @Test
  void tooManyReadThreadsAreRejectedNamingKeyAndValue() {
    WardenConfigException e =
        assertThrows(
            WardenConfigException.class,
            () -> JournalSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.journal.read-threads = 65"))));
    assertTrue(e.getMessage().contains("warden.journal.read-threads must be <= 64, but was 65"), e.getMessage());
  }

  @Test
  void aBadValueFailsTheNodesStartBeforeAnyJournalUse(@TempDir Path dir) {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\nwarden.journal.queue-size = 0\n";
    WardenConfigException e =
        assertThrows(WardenConfigException.class, () -> Warden.start(ConfigFactory.parseString(conf), LedgerKind.create()));
    assertEquals("warden.journal.queue-size", e.path());
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("warden.mv.db")), "nothing was created before the rejection");
  }

  /** A host whose own persistent actors use Warden's journal may run the checkpointer alone. */
  @Test
  void aBadValueFailsACheckpointerOnlyStartToo(@TempDir Path dir) {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\nwarden.journal.read-threads = 0\n";
    WardenConfigException e =
        assertThrows(WardenConfigException.class, () -> Warden.start(ConfigFactory.parseString(conf), CheckpointerKind.create()));
    assertEquals("warden.journal.read-threads", e.path());
    assertTrue(!Files.exists(dir.resolve("warden.mv.db")), "nothing was created before the rejection");
  }
}
