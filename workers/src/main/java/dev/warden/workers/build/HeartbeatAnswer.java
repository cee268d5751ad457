package dev.warden.workers.build;

import java.util.List;

/**
 * The answer to a heartbeat. {@code known} false: register again. {@code stopWork} lists leases the
 * drone named that are no longer its own (reclaimed or stolen): drop them, stop the build at once.
 */
public record HeartbeatAnswer(boolean known, List<StopWork> stopWork) {
  /** A lease the drone must give up; {@code reassignedTo} is the package's holder now, or null. */
  public record StopWork(String packageId, int epoch, String reassignedTo) {}

  public HeartbeatAnswer {
    stopWork = List.copyOf(stopWork);
  }
}
