package dev.warden.core.http;

/**
 * One kind's answer to "may this node take traffic?", shown in {@code /ready}'s body. The node is
 * ready when every kind that offers a check is.
 *
 * @param detail what the kind is waiting for, or what is ready (e.g. "16 of 16 partitions recovered")
 */
public record Readiness(boolean ready, String detail) {
  public static Readiness ready(String detail) {
    return new Readiness(true, detail);
  }

  public static Readiness notReady(String detail) {
    return new Readiness(false, detail);
  }
}
