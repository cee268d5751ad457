package dev.warden.core.http;

import java.util.Optional;

/**
 * A request the API refuses, answered as {@code {"error": message, "field": field}} with
 * {@code status}. Throw it from a route (or fail a future with it): the server renders it.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  public ApiException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** 400: {@code field} (a body field, a query or path parameter) is missing or bad. */
  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, message, field);
  }

  /** 404: nothing is known under {@code field}'s value. */
  public static ApiException notFound(String field, String message) {
    return new ApiException(404, message, field);
  }

  /** 409: the request is well formed but the resource's state does not allow it. */
  public static ApiException conflict(String message) {
    return new ApiException(409, message, null);
  }

  /** 503: busy or not ready; the client may retry later. */
  public static ApiException unavailable(String message) {
    return new ApiException(503, message, null);
  }

  public int status() {
    return status;
  }

  /** The field the error is about, if any. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
