package dev.warden.persistence.internal;

/**
 * Text read from a damaged database or file made fit for a log line: printable ASCII is kept,
 * everything else (control characters, the replacement characters of undecodable bytes, any
 * non-ASCII character a random byte sequence happens to decode to) is escaped as {@code \\uXXXX},
 * and the result is cut at a bound. Exceptions whose messages carry such text (a codec naming a
 * job id it decoded from random bytes) are copied with their messages escaped, stack traces kept.
 */
public final class Printable {
  /** Most characters kept of one message. */
  public static final int MAX_CHARS = 500;
  /** Most causes copied. */
  private static final int MAX_DEPTH = 8;

  private Printable() {}

  /** {@code s} escaped and cut to {@code max} characters (then ending in "..."); "null" for null. */
  public static String of(String s, int max) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
    int i = 0;
    for (; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return i < s.length() ? out.append("...").toString() : out.toString();
  }

  public static String of(String s) {
    return of(s, MAX_CHARS);
  }

  /** "Class: message" of {@code t}, escaped and bounded. */
  public static String describe(Throwable t) {
    return of(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  /**
   * A copy of {@code t}'s chain (at most {@value #MAX_DEPTH} deep) whose messages are
   * {@link #describe}d: the class names live on in the messages, the stack traces are the originals.
   */
  public static Throwable scrubbed(Throwable t) {
    return scrubbed(t, 0);
  }

  private static Throwable scrubbed(Throwable t, int depth) {
    if (t == null || depth >= MAX_DEPTH) {
      return null;
    }
    Throwable cause = t.getCause() == t ? null : t.getCause();
    Scrubbed copy = new Scrubbed(describe(t), scrubbed(cause, depth + 1));
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** An exception of the chain, its original class named in the message. */
  public static final class Scrubbed extends Exception {
    private static final long serialVersionUID = 1L;

    Scrubbed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
