package dev.warden.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the journal's tests run on: the one {@code ops/ci/ensure-postgres} starts, unless
 * {@code WARDEN_TEST_PG_URL} / {@code -DwardenTest.pg.url} (with {@code _USER}/{@code .user},
 * {@code _PASSWORD}/{@code .password}) name another. Each test gets a schema of its own, dropped
 * when it closes, so reruns and concurrent runs on one server start clean.
 *
 * <p>When the default server is unreachable, the first test that needs it runs
 * {@code ops/ci/ensure-postgres} itself (once per test JVM; it installs and starts a throwaway server,
 * idempotently), so {@code mvn -B verify} alone sets up what its tests need. Still unreachable, a
 * test fails with a message saying what to do; with {@code WARDEN_TEST_PG=skip} (or
 * {@code -DwardenTest.pg=skip}) it is skipped instead. Failing is the default so that CI never loses
 * these tests silently.
 */
public final class TestPostgres implements AutoCloseable {
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:55432/warden";

  private final String serverUrl;
  private final String schema;

  private TestPostgres(String serverUrl, String schema) {
    this.serverUrl = serverUrl;
    this.schema = schema;
  }

  private static String setting(String property, String env, String fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? fallback : v;
  }

  static String serverUrl() {
    return setting("wardenTest.pg.url", "WARDEN_TEST_PG_URL", DEFAULT_URL);
  }

  public static String user() {
    return setting("wardenTest.pg.user", "WARDEN_TEST_PG_USER", "warden");
  }

  public static String password() {
    return setting("wardenTest.pg.password", "WARDEN_TEST_PG_PASSWORD", "warden");
  }

  /** A new, empty schema on the test server (or the test skipped or failed as described above). */
  public static TestPostgres freshSchema() {
    String server = serverUrl();
    String schema = "warden_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    try {
      createSchema(server, schema);
    } catch (SQLException unreachable) {
      if (server.equals(DEFAULT_URL) && !"skip".equalsIgnoreCase(setting("wardenTest.pg", "WARDEN_TEST_PG", "")) && ensureServer()) {
        try {
          createSchema(server, schema);
          return new TestPostgres(server, schema);
        } catch (SQLException stillNot) {
          unreachable = stillNot;
        }
      }
      SQLException e = unreachable;
      String why = "PostgreSQL for the journal's tests is not reachable at " + server + " as " + user() + " (" + e.getMessage()
          + "): run ops/ci/ensure-postgres (or point WARDEN_TEST_PG_URL at one), or set WARDEN_TEST_PG=skip to skip these tests";
      if ("skip".equalsIgnoreCase(setting("wardenTest.pg", "WARDEN_TEST_PG", ""))) {
        Assumptions.abort(why);
      }
      Assertions.fail(why, e);
    }
    return new TestPostgres(server, schema);
  }

  private static void createSchema(String server, String schema) throws SQLException {
    try (Connection c = DriverManager.getConnection(server, user(), password()); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
  }

  private static Boolean ensured;

  /**
   * Runs the project's {@code ops/ci/ensure-postgres} (found from the module directory the test runs
   * in), once per JVM; true when it ended well. Its output goes to this JVM's stderr.
   */
  private static synchronized boolean ensureServer() {
    if (ensured == null) {
      Path script = Path.of("").toAbsolutePath().resolveSibling("ops").resolve("ci").resolve("ensure-postgres");
      ensured = false;
      if (Files.isExecutable(script)) {
        try {
          Process p = new ProcessBuilder("bash", script.toString()).redirectOutput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT).start();
          ensured = p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0;
          if (p.isAlive()) {
            p.destroyForcibly();
          }
        } catch (IOException e) {
          System.err.println("TestPostgres: cannot run " + script + ": " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return ensured;
  }

  /** The JDBC URL of this schema: its tables are created and found there. */
  public String url() {
    return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public String schema() {
    return schema;
  }

  /** The node configuration that puts its journal in this schema. */
  public String config() {
    return "warden.persistence.url = \"" + url() + "\"\n"
        + "warden.persistence.user = \"" + user() + "\"\n"
        + "warden.persistence.password = \"" + password() + "\"\n";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), user(), password());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(serverUrl, user(), password()); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
