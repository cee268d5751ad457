package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.Test;
import org.scalatest.tools.Runner;

/**
 * Pekko's own conformance suites (pekko-persistence-tck) against Warden's journal and snapshot
 * store, each on a fresh H2 file: write, replay ranges and limits, highest sequence numbers,
 * deletes, rejections of what cannot be serialized, snapshot selection and deletion criteria.
 */
class JournalTckTest {
  /** A fresh H2 file with the schema, and the node's configuration around it. */
  static Config freshDatabase() {
    try {
      Path dir = Files.createTempDirectory("warden-journal-tck");
      Config config =
          Warden.loadConfig(
              ConfigFactory.parseString(
                  "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n"
                      + "pekko.actor.allow-java-serialization = on\n"
                      + "pekko.actor.warn-about-java-serializer-usage = off\n"));
      SchemaBootstrap.ensure(PersistenceSettings.create(config));
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static final class JournalSpec extends JavaJournalSpec {
    public JournalSpec() {
      super(freshDatabase());
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
      super(freshDatabase());
    }

    @Override
    public CapabilityFlag supportsMetadata() {
      return CapabilityFlag.on();
    }
  }

  @Test
  void journalPassesPekkosPluginSuite() {
    assertTrue(runSuite(JournalSpec.class), "pekko-persistence-tck JournalSpec failed; see the report above");
  }

  @Test
  void snapshotStorePassesPekkosPluginSuite() {
    assertTrue(runSuite(SnapshotSpec.class), "pekko-persistence-tck SnapshotStoreSpec failed; see the report above");
  }

  /** Runs one ScalaTest suite in this JVM; true when every test in it passed (and there were some). */
  private static boolean runSuite(Class<?> suite) {
    return Runner.run(new String[] {"-s", suite.getName(), "-oW"});
  }
}
