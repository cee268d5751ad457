package dev.warden.persistence;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Persistence settings, read once from {@code warden.persistence.*} (defaults in this module's
 * {@code reference.conf}). Construction validates every value and names the key and the bad
 * value on failure.
 *
 * @param url JDBC URL of the journal database
 * @param checkpointInterval cadence of the periodic CHECKPOINT; zero disables the timer
 * @param finalTimeout bound on the final CHECKPOINT SYNC at shutdown
 * @param window number of recent checkpoint durations kept for stats
 */
public record PersistenceSettings(
    String url,
    String user,
    String password,
    Duration checkpointInterval,
    Duration finalTimeout,
    int window) {

  /** Largest accepted {@code checkpoint.window}: the ring is kept in memory. */
  public static final int MAX_WINDOW = 100_000;

  public static PersistenceSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  public static PersistenceSettings create(Config root) {
    ConfigReader p = ConfigReader.at(root, "warden.persistence");
    ConfigReader h2 = p.child("h2");
    ConfigReader cp = p.child("checkpoint");
    int window = cp.intAtLeast("window", 1);
    if (window > MAX_WINDOW) {
      throw cp.bad("window", "must be <= " + MAX_WINDOW, null);
    }
    String url = h2.nonEmptyString("url");
    checkH2File(root, h2, url);
    return new PersistenceSettings(
        url,
        h2.string("user"),
        h2.string("password"),
        cp.nonNegativeDuration("interval"),
        cp.positiveDuration("final-timeout"),
        window);
  }

  /**
   * When {@code url} is built from {@code h2.file} (the default), refuses a file path H2 would read
   * as more than a path: a {@code ;} starts H2 settings (a data dir {@code d;TRACE_LEVEL_FILE=3}
   * would run one), and H2 refuses a relative path that does not start with {@code ./}. The key
   * named is {@code warden.data-dir} when the file lies under it.
   */
  private static void checkH2File(Config root, ConfigReader h2, String url) {
    String file = h2.string("file");
    if (!url.startsWith(FILE_URL + file)) {
      return; // a URL set directly: the user wrote its settings
    }
    String dataDir = root.hasPath("warden.data-dir") ? root.getString("warden.data-dir") : null;
    boolean fromDataDir = dataDir != null && file.startsWith(dataDir);
    ConfigReader at = fromDataDir ? ConfigReader.at(root, "warden") : h2;
    String key = fromDataDir ? "data-dir" : "file";
    String path = fromDataDir ? dataDir : file;
    if (path.indexOf(';') >= 0) {
      throw at.bad(key, "must not contain ';' (the H2 URL would read what follows as database settings)", null);
    }
    if (!file.startsWith("/") && !file.startsWith("./") && !file.startsWith("../")
        && !java.nio.file.Path.of(file).isAbsolute()) {
      throw at.bad(key, "must be an absolute path or start with ./ (H2 refuses other relative paths)", null);
    }
  }

  private static final String FILE_URL = "jdbc:h2:file:";

  /** Like the record's, with the password masked: settings get logged. */
  @Override
  public String toString() {
    return "PersistenceSettings[url=" + url + ", user=" + user + ", password=***, checkpointInterval="
        + checkpointInterval + ", finalTimeout=" + finalTimeout + ", window=" + window + "]";
  }

  /** True when the periodic checkpoint timer runs. */
  public boolean periodicCheckpoints() {
    return !checkpointInterval.isZero();
  }
}
