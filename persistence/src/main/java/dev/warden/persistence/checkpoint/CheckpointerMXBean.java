package dev.warden.persistence.checkpoint;

/**
 * The checkpointer over JMX, at {@code dev.warden:node=<node>,type=Checkpointer}. Durations are
 * over the last {@code warden.persistence.checkpoint.window} checkpoints.
 */
public interface CheckpointerMXBean {

  /** Runs a CHECKPOINT now and answers its summary line (or why it could not run). */
  String checkpointNow();

  /** Checkpoints run since this checkpointer started (periodic, on demand and final). */
  long getCount();

  /** Checkpoints that failed since this checkpointer started. */
  long getFailures();

  long getLastElapsedMillis();

  long getP50Millis();

  long getP95Millis();

  long getMaxMillis();
}
