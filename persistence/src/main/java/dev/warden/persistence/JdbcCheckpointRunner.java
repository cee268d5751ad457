package dev.warden.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs checkpoints on its own JDBC connection to the journal's URL (in the same JVM, H2 hands
 * it the same open database as the journal's pool). Connects lazily on the first statement and
 * reconnects after a statement failed, so a broken connection heals by the next checkpoint.
 */
public final class JdbcCheckpointRunner implements CheckpointRunner {
  private static final Logger log = LoggerFactory.getLogger(JdbcCheckpointRunner.class);

  private final String url;
  private final String user;
  private final String password;
  private volatile Connection connection;
  private volatile boolean closed;

  public JdbcCheckpointRunner(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public static JdbcCheckpointRunner of(PersistenceSettings settings) {
    return new JdbcCheckpointRunner(settings.url(), settings.user(), settings.password());
  }

  @Override
  public void run(String sql) throws SQLException {
    if (closed) {
      throw new SQLException("checkpoint runner for " + url + " is closed");
    }
    Connection c = connection;
    if (c == null) {
      c = DriverManager.getConnection(url, user, password);
      connection = c;
    }
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      connection = null;
      closeQuietly(c);
      throw e;
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    connection = null;
    if (c != null) {
      closeQuietly(c);
    }
  }

  private void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing checkpoint connection to {} failed: {}", url, e.toString());
    }
  }
}
