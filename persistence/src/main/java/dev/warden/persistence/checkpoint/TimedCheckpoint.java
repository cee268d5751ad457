package dev.warden.persistence.checkpoint;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.LoggerFactory;

/**
 * One checkpoint run off the actor, on the blocking dispatcher: timed, its failure captured in
 * its {@link Checkpointer.Result}, never thrown. After the final {@code CHECKPOINT SYNC} an
 * embedded database is closed.
 */
final class TimedCheckpoint {
  private TimedCheckpoint() {}

  /** Runs a checkpoint of {@code mode} on {@code blocking}; the future never fails. */
  static CompletableFuture<Checkpointer.Result> start(
      CheckpointRunner runner, Checkpointer.Mode mode, boolean embedded, Executor blocking) {
    try {
      return CompletableFuture.supplyAsync(() -> closeAfter(runner, timed(runner, mode), embedded), blocking);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(Checkpointer.Result.failed(mode, 0, e));
    }
  }

  /**
   * After the final CHECKPOINT SYNC an embedded database closes (H2 {@code SHUTDOWN}): every writer
   * has stopped, and the URL's DB_CLOSE_DELAY=-1 keeps it open until told. One reached over H2's TCP
   * server stays open: other nodes may be using it. Runs on the blocking dispatcher.
   */
  private static Checkpointer.Result closeAfter(CheckpointRunner runner, Checkpointer.Result result, boolean embedded) {
    if (result.mode() == Checkpointer.Mode.SYNC && embedded) {
      try {
        runner.run("SHUTDOWN");
      } catch (Exception e) {
        LoggerFactory.getLogger(Checkpointer.class).warn("database did not close cleanly after the final checkpoint: {}", e.toString());
      }
    }
    return result;
  }

  /** Runs on the blocking dispatcher. */
  private static Checkpointer.Result timed(CheckpointRunner runner, Checkpointer.Mode mode) {
    long start = System.nanoTime();
    try {
      runner.checkpoint(mode);
      return Checkpointer.Result.ok(mode, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      return Checkpointer.Result.failed(mode, (System.nanoTime() - start) / 1_000_000, e);
    }
  }
}
