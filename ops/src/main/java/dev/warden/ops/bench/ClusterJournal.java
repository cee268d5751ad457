package dev.warden.ops.bench;

import dev.warden.persistence.Dialect;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.h2.tools.Server;

/**
 * The shared journal of {@link ClusterBench}: PostgreSQL (production's database) or an H2 TCP
 * server on 127.0.0.1 (the zero-install try-out), chosen by {@code --journal pg|h2|auto}. On
 * PostgreSQL each phase gets a fresh schema on the server (dropped at {@link #close()}); on H2 each
 * run starts its own server and each phase gets a fresh database file. Either way a phase's members
 * and its insert floor share one database.
 *
 * <p>The PostgreSQL server is {@code ops/ci/ensure-postgres}'s (127.0.0.1:55432, user and password
 * {@code warden}) unless {@code -Dwarden.persistence.url/user/password} name another. Children get
 * the password in the environment ({@link #PASSWORD_ENV}), never on their command line.
 */
final class ClusterJournal implements AutoCloseable {
  /** The environment variable a child reads the database password from. */
  static final String PASSWORD_ENV = "WARDEN_BENCH_DB_PASSWORD";
  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:55432/warden";

  /** Which database, and where: {@code kind} is "pg" or "h2"; {@code why} says how auto chose. */
  record Target(String kind, String url, String user, String password, String why) {
    /**
     * {@code flag}: pg, h2, or auto (PostgreSQL when it answers, else H2 TCP). pg that does not
     * answer is an error saying how to start one.
     */
    static Target choose(String flag, Map<String, String> defines) {
      String url = defines.getOrDefault("warden.persistence.url", DEFAULT_PG_URL);
      if (!url.startsWith("jdbc:postgresql:")) {
        url = DEFAULT_PG_URL;
      }
      Target pg = new Target("pg", url, defines.getOrDefault("warden.persistence.user", "warden"),
          defines.getOrDefault("warden.persistence.password", "warden"), "");
      Target h2 = new Target("h2", "", "sa", "", "");
      switch (flag) {
        case "h2":
          return h2;
        case "pg":
        case "auto":
          String problem = pg.unreachable();
          if (problem == null) {
            return pg;
          }
          if (flag.equals("pg")) {
            throw new IllegalStateException("--journal pg: PostgreSQL at " + url + " as " + pg.user + " does not answer (" + problem
                + "); start one with ops/ci/ensure-postgres, or use --journal h2");
          }
          return new Target("h2", "", "sa", "", "PostgreSQL at " + url + " did not answer (" + problem + "; ops/ci/ensure-postgres starts one)");
        default:
          throw new dev.warden.ops.NodeOptions.UsageError("--journal must be pg, h2 or auto, not [" + flag + "]");
      }
    }

    /** Null when the server answers; else what went wrong. */
    private String unreachable() {
      DriverManager.setLoginTimeout(5);
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        return null;
      } catch (SQLException e) {
        return e.getMessage();
      }
    }
  }

  private final Target target;
  private final Server h2;
  private final Path dir;
  private final String runId = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
  private final List<String> schemas = new ArrayList<>();

  private ClusterJournal(Target target, Server h2, Path dir) {
    this.target = target;
    this.h2 = h2;
    this.dir = dir;
  }

  /** The journal of one run, its H2 files (if H2) under {@code dir}. */
  static ClusterJournal open(Target target, Path dir) throws SQLException, IOException {
    if (target.kind().equals("pg")) {
      return new ClusterJournal(target, null, dir);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
    return new ClusterJournal(target, server, dir);
  }

  /** A fresh, empty database for one phase: its JDBC URL. */
  String fresh(String phase) throws SQLException {
    if (h2 != null) {
      return "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + dir.resolve(phase).toAbsolutePath() + ";WRITE_DELAY=0";
    }
    String schema = "warden_bench_cluster_" + runId + "_" + phase;
    execute(target.url(), "CREATE SCHEMA " + schema);
    schemas.add(schema);
    return BenchDatabase.inSchema(target.url(), schema);
  }

  String user() {
    return target.user();
  }

  /** The environment of a child that connects to this journal. */
  Map<String, String> env() {
    return Map.of(PASSWORD_ENV, target.password());
  }

  void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, target.user(), target.password()); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** DDL of the floor's journal-shaped table. */
  String floorTable(String name) {
    return BenchDatabase.floorTable(h2 != null ? Dialect.H2 : Dialect.POSTGRESQL, name);
  }

  /** What the figures were measured on, for their lines: the database and its durability settings. */
  String describe() throws SQLException {
    if (h2 != null) {
      return "H2 TCP, WRITE_DELAY=0";
    }
    try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password()); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')")) {
      rs.next();
      return "PostgreSQL " + rs.getString(1).split(" ")[0] + " fsync=" + rs.getString(2) + " synchronous_commit=" + rs.getString(3);
    }
  }

  @Override
  public void close() throws SQLException {
    if (h2 != null) {
      h2.stop();
      return;
    }
    for (String s : schemas) {
      execute(target.url(), "DROP SCHEMA IF EXISTS " + s + " CASCADE");
    }
  }
}
