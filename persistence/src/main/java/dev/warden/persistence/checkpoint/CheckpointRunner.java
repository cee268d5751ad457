package dev.warden.persistence.checkpoint;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Runs the checkpointer's SQL. Called on a blocking dispatcher thread, one statement at a time;
 * {@link #close} may overlap a statement that hangs. The default is {@link JdbcCheckpointRunner};
 * tests inject runners that fail or hang.
 */
public interface CheckpointRunner extends AutoCloseable {

  /** Executes {@code sql} (e.g. {@code CHECKPOINT}), blocking until it is done. */
  void run(String sql) throws SQLException;

  /**
   * Runs a checkpoint of {@code mode}, blocking until it is done. The default runs its SQL;
   * {@link JdbcCheckpointRunner} also brings the journal's high-water record up to what the
   * checkpoint covered.
   */
  default void checkpoint(Checkpointer.Mode mode) throws SQLException, IOException {
    run(mode.sql());
  }

  /** Releases the runner's connection. Must not throw. */
  @Override
  void close();
}
