package dev.warden.core.process;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an external process's exit code means. Default: 0 success, 42 "restart me on purpose"
 * (recycle the worker without counting a failure), anything else failure.
 */
public record ExitPolicy(Map<Integer, Outcome> codes) {

  /** What an exit means to the owner of the process. */
  public enum Outcome {
    SUCCESS,
    RESTART_REQUESTED,
    FAILURE,
    /** Stopped by Warden (stop requested, reaped, braked or recycled): not the process's fault. */
    STOPPED
  }

  public static final int RESTART_ME = 42;

  public ExitPolicy {
    codes = Map.copyOf(new TreeMap<>(codes));
  }

  public static ExitPolicy defaults() {
    return new ExitPolicy(Map.of(0, Outcome.SUCCESS, RESTART_ME, Outcome.RESTART_REQUESTED));
  }

  public ExitPolicy with(int code, Outcome outcome) {
    Map<Integer, Outcome> m = new TreeMap<>(codes);
    m.put(code, outcome);
    return new ExitPolicy(m);
  }

  public Outcome classify(int exitCode) {
    return codes.getOrDefault(exitCode, Outcome.FAILURE);
  }
}
