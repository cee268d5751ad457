package dev.warden.persistence.journal;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;

/**
 * Settings of Warden's plain-JDBC journal and snapshot store ({@code warden.journal.*}, defaults
 * in this module's {@code reference.conf}), validated once with the key and the bad value named.
 *
 * @param readThreads reader threads, each with its own connection (replays, snapshot loads)
 * @param queueSize most writes, and separately most reads, waiting at once; more fail at once
 * @param maxGroup most writes committed together in one transaction
 * @param acceptLoss start on a database behind its high-water record, rewriting the record
 *     ({@link HighWaterCheck}), instead of refusing to start
 */
public record JournalSettings(int readThreads, int queueSize, int maxGroup, boolean acceptLoss) {
  static final int MAX_THREADS = 64;

  public static JournalSettings create(Config root) {
    ConfigReader j = ConfigReader.at(root, "warden.journal");
    int readThreads = j.intAtLeast("read-threads", 1);
    if (readThreads > MAX_THREADS) {
      throw j.bad("read-threads", "must be <= " + MAX_THREADS, null);
    }
    return new JournalSettings(
        readThreads, j.intAtLeast("queue-size", 1), j.intAtLeast("max-group", 1), j.bool("accept-loss"));
  }
}
