package dev.warden.workers.trial;

/** A trial attempt that failed: non-zero exit, too many brakes, queue full. The message says which. */
public final class TrialFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrialFailedException(String message) {
    super(message);
  }
}
