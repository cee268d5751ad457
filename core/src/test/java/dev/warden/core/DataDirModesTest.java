package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's data directory: created owner-only, checked before anything is written. */
class DataDirModesTest {
  @TempDir Path work;

  private static String conf(Path dataDir, String extra) {
    return "warden.data-dir = \"" + dataDir + "\"\nwarden.jmx.enabled = off\n" + extra;
  }

  @Test
  void aNewDataDirectoryIsCreatedOwnerOnly() throws Exception {
    Path data = work.resolve("node/data");
    try (Warden w = Warden.start(ConfigFactory.parseString(conf(data, "")), Counter.kind("c"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }
  }

  @Test
  void theDirectoryModeIsConfigurable() throws Exception {
    Path data = work.resolve("shared");
    try (Warden w = Warden.start(ConfigFactory.parseString(conf(data, "warden.data-dir-mode = \"750\"")))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxr-x---");
    }
  }

  @Test
  void anExistingOpenDirectoryIsLeftAsItIs() throws Exception {
    Path data = Files.createDirectory(work.resolve("existing"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Warden w = Warden.start(ConfigFactory.parseString(conf(data, "")))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxr-xr-x");
    }
  }

  @Test
  void anExistingDirectoryOthersMayWriteInRefusesTheStartEvenThroughASymbolicLink() throws Exception {
    Path open = Files.createDirectory(work.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(work.resolve("link"), open);
    for (Path data : new Path[] {open, link}) {
      assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf(data, "")), Counter.kind("c")))
          .isInstanceOf(WardenConfigException.class)
          .hasMessageContaining("warden.data-dir " + data)
          .hasMessageContaining("rwxrwxrwx")
          .hasMessageContaining("chmod go-w " + data)
          .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.data-dir"));
    }
    assertThat(open).isEmptyDirectory(); // nothing written in it
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf(link, "")), Counter.kind("c")))
        .hasMessageContaining("rwxrwx---");

    Path own = Files.createDirectory(work.resolve("own"));
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
    Path ownLink = Files.createSymbolicLink(work.resolve("own-link"), own);
    try (Warden w = Warden.start(ConfigFactory.parseString(conf(ownLink, "")), Counter.kind("c"))) {
      assertThat(w.settings().dataDir()).isEqualTo(ownLink.toAbsolutePath());
    }
  }

  @Test
  void missingParentsOfANewDirectoryAreCreatedOwnerOnlyTooWhateverTheUmask() throws Exception {
    Path data = work.resolve("a/b/data");
    try (Warden w = Warden.start(ConfigFactory.parseString(conf(data, "")), Counter.kind("c"))) {
      for (Path p : new Path[] {work.resolve("a"), work.resolve("a/b"), data}) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as("%s", p).isEqualTo("rwx------");
      }
    }
  }

  @Test
  void aFileInTheWayOfTheDataDirectoryFailsTheStartNamingTheKey() throws Exception {
    Path file = Files.createFile(work.resolve("afile"));
    for (Path data : new Path[] {file, file.resolve("sub")}) {
      assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf(data, "")), Counter.kind("c")))
          .isInstanceOf(WardenConfigException.class)
          .hasMessage("warden.data-dir " + data + " cannot be created: " + file + " exists and is not a directory")
          .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.data-dir"));
    }
  }

  @Test
  void aModeThatLocksTheOwnerOutIsRejected() {
    assertThatThrownBy(() -> DataFiles.create(Warden.loadConfig(ConfigFactory.parseString("warden.data-dir-mode = 600"))))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.data-dir-mode must give the owner rwx (7xx), but was 600");
    assertThatThrownBy(() -> DataFiles.create(Warden.loadConfig(ConfigFactory.parseString("warden.data-file-mode = rw-rw-rwz"))))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.data-file-mode must be an octal mode such as 700");
  }

  @Test
  void aKindWithABadSettingFailsTheStartBeforeTheDataDirectoryIsCreated() {
    Path data = work.resolve("never");
    WorkerKind<Counter.Command> picky =
        new WorkerKind<>() {
          @Override
          public String name() {
            return "picky";
          }

          @Override
          public void validate(com.typesafe.config.Config config) {
            throw new WardenConfigException("warden.picky.level", "warden.picky.level must be > 0, but was -1");
          }

          @Override
          public org.apache.pekko.actor.typed.Behavior<Counter.Command> rootBehavior(KindContext context) {
            return Counter.create();
          }
        };
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf(data, "")), Counter.kind("c"), picky))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.picky.level");
    assertThat(data).doesNotExist();
  }
}
