package dev.warden.workers.llm;

/**
 * The model server refused the request itself (HTTP 4xx other than 408 and 429: bad request,
 * unauthorized, unknown model, payload too large), or redirected it (3xx, never followed), or its
 * answer passed {@code warden.llm.client.max-response-chars} (a retry would pay for as long an answer
 * again, or stream for ever again). The ledger gives up at once instead of retrying. The cause is
 * the {@link ModelCallException}.
 */
public final class ModelRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelRejectedException(ModelCallException cause) {
    super((cause.kind() == ModelCallException.Kind.RESPONSE_TOO_LONG ? "not retried: "
        : "not retried, the model server rejected the request: ") + cause.getMessage(), cause);
  }

  /** A rejection described by {@code message} (which must not carry a credential). */
  public ModelRejectedException(String message, ModelCallException cause) {
    super(message, cause);
  }

  /** Whether {@code e} is a rejection, or an answer past the bound (never retried), rather than a failure worth another attempt. */
  public static boolean isRejection(ModelCallException e) {
    int s = e.httpStatus();
    return e.kind() == ModelCallException.Kind.RESPONSE_TOO_LONG
        || (e.kind() == ModelCallException.Kind.HTTP_STATUS && s >= 300 && s < 500 && s != 408 && s != 429);
  }
}
