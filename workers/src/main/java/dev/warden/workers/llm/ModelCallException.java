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
  private final int httpStatus;

  public ModelCallException(Kind kind, String message) {
    super(message);
    this.kind = kind;
    this.httpStatus = 0;
  }

  /** An {@link Kind#HTTP_STATUS} failure with the status the server answered. */
  public static ModelCallException httpStatus(int status, String message) {
    return new ModelCallException(status, message);
  }

  private ModelCallException(int status, String message) {
    super(message);
    this.kind = Kind.HTTP_STATUS;
    this.httpStatus = status;
  }

  public ModelCallException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = 0;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of an {@link Kind#HTTP_STATUS} failure; 0 for every other kind. */
  public int httpStatus() {
    return httpStatus;
  }
}
