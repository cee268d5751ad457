package dev.warden.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {

  @Test
  void keepsOnlyTheLastCapacitySamples() {
    LatencyWindow w = new LatencyWindow(4);
    assertEquals(new LatencyWindow.Stats(0, 0, 0, 0), w.stats());
    for (long ms : new long[] {1000, 1, 2, 3, 4}) {
      w.record(ms);
    }
    // 1000 fell out of the window
    assertEquals(new LatencyWindow.Stats(4, 2, 4, 4), w.stats());
  }

  @Test
  void percentilesUseNearestRank() {
    LatencyWindow w = new LatencyWindow(512);
    for (long ms = 1; ms <= 100; ms++) {
      w.record(ms);
    }
    assertEquals(new LatencyWindow.Stats(100, 50, 95, 100), w.stats());
  }
}
