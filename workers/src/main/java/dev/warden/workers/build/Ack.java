package dev.warden.workers.build;

/** The answer to an operator's or host's command: done, or refused with a reason naming the thing. */
public record Ack(boolean done, String reason) {
  static Ack ok() {
    return new Ack(true, null);
  }

  static Ack refused(String reason) {
    return new Ack(false, reason);
  }
}
