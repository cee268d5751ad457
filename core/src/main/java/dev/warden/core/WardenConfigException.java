package dev.warden.core;

/**
 * Thrown by {@link Warden#start} and every settings factory when a configuration value is
 * invalid. The message always names the key path and the offending value.
 */
public final class WardenConfigException extends IllegalArgumentException {
  private final String path;

  public WardenConfigException(String path, String message) {
    super(message);
    this.path = path;
  }

  public WardenConfigException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The configuration key that was rejected, e.g. {@code warden.persistence.checkpoint.interval}. */
  public String path() {
    return path;
  }
}
