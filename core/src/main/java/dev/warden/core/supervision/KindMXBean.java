package dev.warden.core.supervision;

import java.util.List;
import java.util.Map;

/**
 * One worker kind: its supervisor's state, counters, and operator operations. Registered for every
 * kind as {@code dev.warden:node=<node>,type=Kind,name=<kind>}; {@link Supervisor#mxBean} makes it.
 */
public interface KindMXBean {
  String getName();

  String getState();

  long getRestartCount();

  String getLastFailure();

  long getUptimeMillis();

  /** Kind-specific counters and gauges (arrives as {@code TabularData}). */
  Map<String, Long> getCounters();

  boolean isPausable();

  /** Names accepted by {@link #invoke(String)}. */
  List<String> getOperations();

  /** Restarts the kind's root: clears a DEGRADED state and its restart window. */
  void restart();

  void pause();

  void resume();

  /** Invokes a kind-specific operation; answers what was done. */
  String invoke(String operation);
}
