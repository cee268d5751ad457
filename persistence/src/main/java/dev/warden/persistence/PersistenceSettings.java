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
    return new PersistenceSettings(
        h2.nonEmptyString("url"),
        h2.string("user"),
        h2.string("password"),
        cp.nonNegativeDuration("interval"),
        cp.positiveDuration("final-timeout"),
        window);
  }

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
