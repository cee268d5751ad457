package dev.warden.workers.llm;

import dev.warden.persistence.ledger.RetryAfter;
import java.time.Duration;

/**
 * A model call that failed: HTTP error, malformed response, broken stream. The message says which
 * and where. A 429 or 503 answer carries the server's {@code Retry-After}, which the ledger honours
 * before the next attempt ({@link RetryAfter}).
 */
public final class ModelCallException extends RuntimeException implements RetryAfter {
  private static final long serialVersionUID = 1L;

  /** The class of failure, for retry policies. */
  public enum Kind {
    HTTP_STATUS,
    MALFORMED_RESPONSE,
    CONNECTION,
    STREAM_ENDED_EARLY,
    MODEL_ERROR,
    CANCELLED,
    /**
     * The answer passed {@code warden.llm.client.max-response-chars}: the response was closed there
     * instead of being read on (a server that streams for ever would hold the attempt until its
     * deadline). Not retried.
     */
    RESPONSE_TOO_LONG,
    /** The endpoint's API key could not be read (unset variable, missing or unsafe file). */
    CREDENTIALS
  }

  private final Kind kind;
  private final int httpStatus;
  private final Duration retryAfter;

  public ModelCallException(Kind kind, String message) {
    this(kind, 0, message, null, Duration.ZERO);
  }

  public ModelCallException(Kind kind, String message, Throwable cause) {
    this(kind, 0, message, cause, Duration.ZERO);
  }

  private ModelCallException(Kind kind, int status, String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = status;
    this.retryAfter = retryAfter;
  }

  /** An {@link Kind#HTTP_STATUS} failure with the status the server answered. */
  public static ModelCallException httpStatus(int status, String message) {
    return httpStatus(status, message, Duration.ZERO);
  }

  /** An {@link Kind#HTTP_STATUS} failure whose server asked for {@code retryAfter} before the next request. */
  public static ModelCallException httpStatus(int status, String message, Duration retryAfter) {
    return new ModelCallException(Kind.HTTP_STATUS, status, message, null, retryAfter);
  }

  /** This failure, told with {@code message} instead (kind, status, Retry-After and cause kept). */
  ModelCallException withMessage(String message) {
    return new ModelCallException(kind, httpStatus, message, getCause(), retryAfter);
  }

  /** This failure asking for at most {@code max} before the next attempt, saying so when it was cut. */
  ModelCallException withRetryAfterAtMost(Duration max) {
    if (retryAfter.compareTo(max) <= 0) {
      return this;
    }
    return new ModelCallException(kind, httpStatus, getMessage() + " (waiting " + max.toMillis()
        + " ms instead: warden.llm.retry.max-retry-after)", getCause(), max);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of an {@link Kind#HTTP_STATUS} failure; 0 for every other kind. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The server's Retry-After; zero when it sent none. */
  @Override
  public Duration retryAfter() {
    return retryAfter;
  }
}
