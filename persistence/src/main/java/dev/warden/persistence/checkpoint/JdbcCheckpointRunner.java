package dev.warden.persistence.checkpoint;

import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.journal.HighWaterMark;
import java.io.IOException;
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
 *
 * <p>On an H2 file database each checkpoint also rewrites the journal's {@link HighWaterMark}: the
 * journal's level is read just before the checkpoint and recorded once it has run, so the record
 * never claims more than the database file was given.
 */
public final class JdbcCheckpointRunner implements CheckpointRunner {
  private static final Logger log = LoggerFactory.getLogger(JdbcCheckpointRunner.class);

  private final String url;
  private final String user;
  private final String password;
  /** The high-water record kept for this database, or null (not an H2 file database). */
  private final HighWaterMark mark;
  private volatile Connection connection;
  private volatile boolean closed;

  public JdbcCheckpointRunner(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.mark = HighWaterMark.of(url).orElse(null);
  }

  public static JdbcCheckpointRunner of(PersistenceSettings settings) {
    return new JdbcCheckpointRunner(settings.url(), settings.user(), settings.password());
  }

  @Override
  public void run(String sql) throws SQLException {
    on(c -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
      return null;
    });
  }

  @Override
  public void checkpoint(Checkpointer.Mode mode) throws SQLException, IOException {
    if (mark == null) {
      run(mode.sql());
      return;
    }
    HighWaterMark.Level level = on(HighWaterMark.Level::of); // what this checkpoint will cover at least
    run(mode.sql());
    try {
      mark.write(level);
    } catch (IOException e) {
      throw new IOException(mode.sql() + " ran, but the high-water record " + mark.file() + " was not written: " + e, e);
    }
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Runs {@code work} on the connection, opening it first if needed and dropping it when a statement fails. */
  private <T> T on(Work<T> work) throws SQLException {
    if (closed) {
      throw new SQLException("checkpoint runner for " + url + " is closed");
    }
    Connection c = connection;
    if (c == null) {
      c = DriverManager.getConnection(url, user, password);
      connection = c;
    }
    try {
      return work.apply(c);
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
