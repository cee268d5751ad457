package dev.warden.persistence.ledger.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Renders a handler's failure for the journal and the log, within bounds: the message cut at
 * {@code warden.ledger.failures.max-message-chars}, the stack trace (causes included, as
 * {@code printStackTrace} shows them) cut at {@code max-stack-trace-chars}. Runs on the handler's
 * thread, never on the partition's.
 */
final class Failures {
  private static final String CUT = "\n\t... (cut at warden.ledger.failures.max-stack-trace-chars)";

  private Failures() {}

  /** {@code class: message}, the message cut at {@code maxMessage} chars. */
  static String cause(Throwable t, int maxMessage) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + cut(m, maxMessage));
  }

  /** The stack trace in {@code printStackTrace} form, at most {@code max} chars (plus a marker); null when 0. */
  static String trace(Throwable t, int maxMessage, int max) {
    if (max <= 0) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(max, 1024));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable c = t;
    String prefix = "";
    StackTraceElement[] enclosing = new StackTraceElement[0];
    while (c != null && seen.add(c) && b.length() < max) {
      b.append(prefix).append(cause(c, maxMessage));
      StackTraceElement[] frames = c.getStackTrace();
      int common = 0; // frames shared with the enclosing trace, shown as "... n more" like printStackTrace
      while (common < frames.length && common < enclosing.length
          && frames[frames.length - 1 - common].equals(enclosing[enclosing.length - 1 - common])) {
        common++;
      }
      for (int i = 0; i < frames.length - common && b.length() < max; i++) {
        b.append("\n\tat ").append(frames[i]);
      }
      if (common > 0) {
        b.append("\n\t... ").append(common).append(" more");
      }
      enclosing = frames;
      prefix = "\nCaused by: ";
      c = c.getCause();
    }
    if (b.length() >= max || (c != null && !seen.contains(c))) {
      b.setLength(Math.min(b.length(), max));
      b.append(CUT);
    }
    return b.toString();
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + (s.length() - max) + " more chars)";
  }
}
