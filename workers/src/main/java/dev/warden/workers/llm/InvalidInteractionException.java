package dev.warden.workers.llm;

/** A journaled interaction that cannot be run (broken payload, bad URI): never retried. */
public final class InvalidInteractionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInteractionException(String message, Throwable cause) {
    super(message, cause);
  }
}
