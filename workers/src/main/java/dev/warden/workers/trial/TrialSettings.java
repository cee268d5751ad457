package dev.warden.workers.trial;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.KindContext;
import dev.warden.core.process.MemoryGuard;
import java.nio.file.Path;
import java.time.Duration;

/** {@code warden.trial.*} plus the node's {@code warden.memory-guard.*}, read once and validated. */
public record TrialSettings(
    int workers,
    int queueCapacity,
    Duration stopGrace,
    Duration timeout,
    Duration heartbeatTimeout,
    int maxAttempts,
    Duration brakeRetryDelay,
    int maxBrakesPerTrial,
    MemoryGuard.Settings guard) {

  public static TrialSettings create(Config root) {
    ConfigReader t = ConfigReader.at(root, "warden.trial");
    return new TrialSettings(
        t.intAtLeast("workers", 1),
        t.intAtLeast("queue-capacity", 1),
        t.positiveDuration("stop-grace"),
        t.positiveDuration("timeout"),
        t.positiveDuration("heartbeat-timeout"),
        t.intAtLeast("max-attempts", 1),
        t.nonNegativeDuration("brake-retry-delay"),
        t.intAtLeast("max-brakes-per-trial", 1),
        MemoryGuard.Settings.read(ConfigReader.at(root, "warden.memory-guard")));
  }

  /** Per-trial logs: {@code <data-dir>/trials}. */
  public Path logDir(KindContext kctx) {
    return kctx.dataDir().resolve("trials");
  }
}
