package dev.warden.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's database on disk: owner-only files, a path H2 cannot misread, nothing written before validation. */
class DatabaseFilesTest {
  private static final String NO_JMX = "warden.jmx.enabled = off\n";

  @TempDir Path work;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theDataDirectoryDatabaseAndTraceFileAreOwnerOnly() throws Exception {
    Path data = work.resolve("data");
    try (Warden w = TestNode.start(data, NO_JMX, CheckpointerKind.create())) {
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("warden.mv.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("warden.trace.db"))).isEqualTo("rw-------");
    }
  }

  @Test
  void aDatabaseLeftWorldReadableByAnEarlierStartIsTightenedAtTheNextStart() throws Exception {
    Path data = Files.createDirectory(work.resolve("open"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Warden w = TestNode.start(data, NO_JMX, CheckpointerKind.create())) {
      assertThat(mode(data.resolve("warden.mv.db"))).isEqualTo("rw-------");
    }
    Files.setPosixFilePermissions(data.resolve("warden.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
    SchemaBootstrap.forgetCheckedUrls(); // as if the process restarted
    try (Warden w = TestNode.start(data, NO_JMX + "warden.data-file-mode = \"640\"\n", CheckpointerKind.create())) {
      assertThat(mode(data.resolve("warden.mv.db"))).isEqualTo("rw-r-----");
      assertThat(mode(data)).as("a directory Warden did not create is left alone").isEqualTo("rwxr-xr-x");
    }
  }

  @Test
  void aSemicolonInTheDataDirectoryIsRefusedAndNothingIsWritten() throws Exception {
    Path data = work.resolve("d;TRACE_LEVEL_FILE=3");
    assertThatThrownBy(() -> TestNode.start(data, NO_JMX, CheckpointerKind.create()))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.data-dir must not contain ';' (the H2 URL would read what follows as database settings),"
            + " but was " + data)
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.data-dir"));
    try (Stream<Path> files = Files.list(work)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void anH2FilePathThatH2WouldReadAsImplicitlyRelativeIsRefused() {
    assertThatThrownBy(() -> PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = data"))))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.data-dir must be an absolute path or start with ./ (H2 refuses other relative paths), but was data");
    assertThatThrownBy(() -> PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString(
            "warden.persistence.h2.file = \"/srv/x;INIT=RUNSCRIPT FROM 'evil.sql'\""))))
        .isInstanceOf(WardenConfigException.class)
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.persistence.h2.file"));
  }

  @Test
  void aBadSettingOfALaterKindFailsTheStartBeforeTheDatabaseFileIsCreated() {
    Path data = work.resolve("data");
    assertThatThrownBy(() -> TestNode.start(data, NO_JMX + "warden.ledger.partitions = 0\n", CheckpointerKind.create(), LedgerKind.create()))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.ledger.partitions");
    assertThat(data).doesNotExist();
  }
}
