package dev.warden.workers.llm;

/** A model call that failed: HTTP error, malformed response, broken stream. The message says which and where. */
public final class ModelCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The class of failure, for retry policies. */
  public enum Kind {
    HTTP_STATUS,
    MALFORMED_RESPONSE,
    CONNECTION,
    STREAM_ENDED_EARLY,
    MODEL_ERROR,
    CANCELLED
  }

  private final Kind kind;

  public ModelCallException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ModelCallException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
