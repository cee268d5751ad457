package dev.warden.workers.graveyard;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.workers.graveyard.legacy.ReaderSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/** {@code warden.graveyard}, read once and validated; see the module's reference.conf. */
public record GraveyardSettings(
    String persistenceId,
    ReaderSettings reader,
    int batchRecords,
    long batchBytes,
    Duration batchTimeout,
    Duration importTimeout,
    Path quarantineDir,
    int quarantineMaxEntries,
    Duration maxClockSkew,
    long snapshotEveryPatterns,
    int maxInFlight,
    Duration askTimeout) {

  public static GraveyardSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  public static GraveyardSettings create(Config root) {
    ConfigReader c = ConfigReader.at(root, "warden.graveyard");
    ConfigReader r = c.child("reader");
    ConfigReader i = c.child("import");
    ConfigReader j = c.child("journal");
    long maxRecord = r.bytes("max-record-bytes");
    if (maxRecord < 1024 || maxRecord > 16L * 1024 * 1024) {
      throw r.bad("max-record-bytes", "must be between 1KiB and 16MiB", null);
    }
    int depth = r.intAtLeast("max-depth", 1);
    if (depth > 1024) {
      throw r.bad("max-depth", "must be between 1 and 1024", null);
    }
    long sample = r.bytes("sample-bytes");
    if (sample < 0 || sample > 4096) {
      throw r.bad("sample-bytes", "must be between 0 and 4096 bytes", null);
    }
    int batch = i.intAtLeast("batch-records", 1);
    if (batch > 100_000) {
      throw i.bad("batch-records", "must be between 1 and 100000", null);
    }
    long batchBytes = i.bytes("batch-bytes");
    if (batchBytes < 4096 || batchBytes > 64L * 1024 * 1024) {
      throw i.bad("batch-bytes", "must be between 4KiB and 64MiB", null);
    }
    int inFlight = j.intAtLeast("max-in-flight", 1);
    if (inFlight > 4000) {
      throw j.bad("max-in-flight", "must be between 1 and 4000", null);
    }
    return new GraveyardSettings(
        c.nonEmptyString("persistence-id"),
        new ReaderSettings((int) maxRecord, depth, (int) sample),
        batch,
        batchBytes,
        i.positiveDuration("batch-timeout"),
        i.positiveDuration("timeout"),
        Path.of(i.nonEmptyString("quarantine-dir")),
        i.intAtLeast("quarantine-max-entries", 1),
        i.nonNegativeDuration("max-clock-skew"),
        j.intAtLeast("snapshot-every-patterns", 1),
        inFlight,
        j.positiveDuration("ask-timeout"));
  }
}
