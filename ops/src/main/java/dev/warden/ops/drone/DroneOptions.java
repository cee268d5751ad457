package dev.warden.ops.drone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How a drone runs: where the control plane is, who it is, what it builds with, and its cadences. */
record DroneOptions(
    String control,
    String id,
    int cores,
    String machine,
    List<String> capabilities,
    Optional<String> token,
    Path workdir,
    List<String> command,
    int prefetch,
    Duration heartbeatEvery,
    Duration pollEvery,
    Duration requestTimeout,
    Duration backoffMin,
    Duration backoffMax,
    Duration stopGrace) {

  DroneOptions {
    capabilities = List.copyOf(capabilities);
    command = List.copyOf(command);
  }
}
