package dev.warden.workers.trial;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.warden.core.process.ExitPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    ExitPolicy exitPolicy,
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
        exitPolicy(t),
        MemoryGuard.Settings.read(ConfigReader.at(root, "warden.memory-guard")));
  }

  /** {@code exit-codes.success} and {@code exit-codes.restart}: lists of codes 0..255; the rest are failures. */
  private static ExitPolicy exitPolicy(ConfigReader t) {
    Map<Integer, ExitPolicy.Outcome> codes = new HashMap<>();
    for (String key : List.of("success", "restart")) {
      List<Integer> list;
      try {
        list = t.config().getIntList("exit-codes." + key);
      } catch (ConfigException e) {
        throw t.bad("exit-codes." + key, "must be a list of exit codes (integers 0..255)", e);
      }
      for (int code : list) {
        if (code < 0 || code > 255 || codes.containsKey(code)) {
          throw t.bad("exit-codes." + key, "must hold distinct exit codes 0..255 (" + code + " is not)", null);
        }
        codes.put(code, key.equals("success") ? ExitPolicy.Outcome.SUCCESS : ExitPolicy.Outcome.RESTART_REQUESTED);
      }
    }
    return new ExitPolicy(codes);
  }

  /** Per-trial logs: {@code <data-dir>/trials}. */
  public Path logDir(KindContext kctx) {
    return kctx.dataDir().resolve("trials");
  }
}
