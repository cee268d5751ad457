package dev.warden.persistence;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import dev.warden.core.jmx.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Persistence settings, read once from {@code warden.persistence.*} (defaults in this module's
 * {@code reference.conf}). Construction validates every value and names the key and the bad
 * value on failure.
 *
 * @param url JDBC URL of the journal database ({@code warden.persistence.url}: H2 or PostgreSQL)
 * @param user database user
 * @param password database password, from {@code password}, {@code password-file} or {@code password-env}; never logged
 * @param dialect the database's dialect, told from {@code url}
 * @param checkpointInterval cadence of the periodic CHECKPOINT; zero disables the timer
 * @param finalTimeout bound on the final CHECKPOINT SYNC at shutdown
 * @param window number of recent checkpoint durations kept for stats
 * @param connectTimeout PostgreSQL: bound on opening a connection ({@code connect-timeout}); zero: the driver's
 * @param socketTimeout PostgreSQL: bound on waiting for the database's answer on a connection
 *     ({@code socket-timeout}); zero: none
 */
public record PersistenceSettings(
    String url,
    String user,
    String password,
    Duration checkpointInterval,
    Duration finalTimeout,
    int window,
    Dialect dialect,
    Duration connectTimeout,
    Duration socketTimeout) {

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
    String url = p.nonEmptyString("url");
    Dialect dialect =
        Dialect.of(url)
            .orElseThrow(() -> p.bad("url", "must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL", null));
    checkH2File(root, h2, url);
    return new PersistenceSettings(
        url,
        p.string("user"),
        password(p),
        cp.nonNegativeDuration("interval"),
        cp.positiveDuration("final-timeout"),
        window,
        dialect,
        wholeSeconds(p, "connect-timeout"),
        wholeSeconds(p, "socket-timeout"));
  }

  /** PostgreSQL's driver counts these timeouts in whole seconds: 0 (off) or at least 1s, whole seconds. */
  private static Duration wholeSeconds(ConfigReader p, String key) {
    Duration d = p.nonNegativeDuration(key);
    if (d.toNanos() % 1_000_000_000L != 0) {
      throw p.bad(key, "must be 0 or whole seconds (PostgreSQL's driver counts seconds)", null);
    }
    return d;
  }

  /** Connection properties Warden adds to a PostgreSQL URL unless the URL sets them itself. */
  private static final String CONNECT_TIMEOUT = "connectTimeout";
  private static final String SOCKET_TIMEOUT = "socketTimeout";
  private static final String TCP_KEEP_ALIVE = "tcpKeepAlive";

  /**
   * Opens a connection to the journal's database with the user, the password and, on PostgreSQL,
   * {@code connectTimeout} and {@code socketTimeout} from {@code connect-timeout} and
   * {@code socket-timeout} and {@code tcpKeepAlive=true}, each unless the URL sets it: a database that
   * accepts but never answers fails the statement after the socket timeout instead of holding the
   * thread for ever. H2's driver has no such bound (see reference.conf).
   */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, connectionProperties());
  }

  /** What {@link #connect} passes to the driver (holds the password: never log it). */
  Properties connectionProperties() {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    if (dialect == Dialect.POSTGRESQL) {
      java.util.Set<String> inUrl = urlParameters(url);
      if (!connectTimeout.isZero() && !inUrl.contains(CONNECT_TIMEOUT)) {
        props.setProperty(CONNECT_TIMEOUT, Long.toString(connectTimeout.toSeconds()));
      }
      if (!socketTimeout.isZero() && !inUrl.contains(SOCKET_TIMEOUT)) {
        props.setProperty(SOCKET_TIMEOUT, Long.toString(socketTimeout.toSeconds()));
      }
      if (!inUrl.contains(TCP_KEEP_ALIVE)) {
        props.setProperty(TCP_KEEP_ALIVE, "true");
      }
    }
    return props;
  }

  /** The names of the parameters after {@code ?} in a JDBC URL. */
  private static java.util.Set<String> urlParameters(String url) {
    int q = url.indexOf('?');
    java.util.Set<String> names = new java.util.HashSet<>();
    if (q < 0) {
      return names;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      names.add(eq < 0 ? pair : pair.substring(0, eq));
    }
    return names;
  }

  /**
   * The password: from {@code password-file} (its first line; the file readable by its owner only)
   * or the environment variable {@code password-env} names, else {@code password}. At most one of
   * the two sources; an error names the key, never the password.
   */
  private static String password(ConfigReader p) {
    String file = p.string("password-file").strip();
    String env = p.string("password-env").strip();
    if (!file.isEmpty() && !env.isEmpty()) {
      throw p.bad("password-env", "must be empty when " + p.path("password-file") + " is set (one source of the password)", null);
    }
    if (!file.isEmpty()) {
      String key = p.path("password-file");
      OwnerOnly.check(Path.of(file), key, true);
      try {
        return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
      } catch (IOException e) {
        throw new WardenConfigException(key, key + ": cannot read " + file + ": " + e, e);
      }
    }
    if (!env.isEmpty()) {
      String v = System.getenv(env);
      if (v == null || v.isEmpty()) {
        String key = p.path("password-env");
        throw new WardenConfigException(key, key + " names the environment variable " + env + ", which is not set or empty");
      }
      return v;
    }
    return p.string("password");
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
        + checkpointInterval + ", finalTimeout=" + finalTimeout + ", window=" + window + ", dialect=" + dialect
        + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + "]";
  }

  /** True when the periodic checkpoint timer runs. */
  public boolean periodicCheckpoints() {
    return !checkpointInterval.isZero();
  }
}
