package dev.warden.persistence.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static RuntimeException deep(int depth) {
    return depth == 0 ? new IllegalStateException("bottom " + "m".repeat(300), new IOException("root cause")) : deep(depth - 1);
  }

  @Test
  void aDeepTraceIsCutAtItsBoundWithAMarkerAndAnOverlongMessageIsCut() {
    String trace = Failures.trace(deep(200), 20, 500);
    assertTrue(trace.length() <= 500 + 80, "bounded: " + trace.length());
    assertTrue(trace.startsWith("java.lang.IllegalStateException: bottom mmmmmmmmmmmmm... (287 more chars)\n\tat "), trace);
    assertTrue(trace.endsWith("(cut at warden.ledger.failures.max-stack-trace-chars)"), trace);
    assertEquals("java.lang.IllegalStateException: bottom mmmmmmmmmmmmm... (287 more chars)", Failures.cause(deep(0), 20));
    assertNull(Failures.trace(deep(0), 20, 0), "0 keeps no trace");
  }

  @Test
  void aCauseShowsOnlyItsOwnFramesLikePrintStackTrace() {
    IOException root = new IOException("device gone");
    RuntimeException top = new RuntimeException("wrapped", root);
    String trace = Failures.trace(top, 100, 100_000);
    assertTrue(trace.contains("\nCaused by: java.io.IOException: device gone\n\tat "), trace);
    assertTrue(trace.contains(" more"), "frames shared with the enclosing trace are elided: " + trace);
    assertTrue(!trace.contains("(cut at"), trace);
  }
}
