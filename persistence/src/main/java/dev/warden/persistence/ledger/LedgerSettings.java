package dev.warden.persistence.ledger;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code warden.ledger}: read once, validated, immutable. */
public record LedgerSettings(
    int partitions,
    int commandBuffer,
    int maxLivePerPartition,
    int maxRunningPerPartition,
    int maxBatch,
    int maxStartsPerBatch,
    int snapshotEvery,
    int retainedTerminal,
    Duration resultTimeout,
    Duration askTimeout,
    String handlerDispatcher,
    Duration heartbeatMinInterval,
    Duration heartbeatJournalInterval,
    Duration reaperTick,
    Duration staticTimeout,
    double timeoutFactor,
    Duration timeoutMin,
    Duration timeoutMax,
    int minSamples,
    int window,
    Duration drainTimeout,
    Duration dispatchTimeout,
    int maxCutAttempts,
    int maxFailureMessageChars,
    int maxStackTraceChars,
    int failureLogsPerSecond,
    Map<String, TypeOverride> types) {
  /** Most partitions a ledger may have ({@code warden.ledger.partitions}). */
  public static final int MAX_PARTITIONS = 1024;

  /** Per-type values from {@code warden.ledger.types.<name>}; empty where not configured. */
  public record TypeOverride(
      Optional<Duration> startToClose,
      Optional<Duration> heartbeatTimeout,
      Optional<Integer> maxConcurrency,
      Optional<Integer> maxAttempts) {}

  public static LedgerSettings create(Config root) {
    ConfigReader r = ConfigReader.at(root, "warden.ledger");
    int partitions = r.intAtLeast("partitions", 1);
    if (partitions > MAX_PARTITIONS) {
      throw r.bad("partitions", "must be <= " + MAX_PARTITIONS, null);
    }
    ConfigReader t = r.child("default-timeout");
    Duration min = t.positiveDuration("min");
    Duration max = t.positiveDuration("max");
    if (max.compareTo(min) < 0) {
      throw t.bad("max", "must be >= " + t.path("min") + " (" + min + ")", null);
    }
    int minSamples = t.intAtLeast("min-samples", 1);
    int window = t.intAtLeast("window", minSamples);
    LedgerSettings s =
        new LedgerSettings(
            partitions,
            r.intAtLeast("command-buffer", 1),
            r.intAtLeast("max-live-jobs-per-partition", 1),
            r.intAtLeast("max-running-per-partition", 1),
            r.intAtLeast("max-batch", 1),
            r.intAtLeast("max-starts-per-batch", 1),
            r.intAtLeast("snapshot-every", 1),
            r.intAtLeast("retained-terminal-per-partition", 0),
            r.positiveDuration("result-timeout"),
            r.positiveDuration("ask-timeout"),
            r.nonEmptyString("handler-dispatcher"),
            r.child("heartbeat").positiveDuration("min-interval"),
            r.child("heartbeat").positiveDuration("journal-interval"),
            r.child("reaper").positiveDuration("tick"),
            t.positiveDuration("static"),
            t.doubleBetween("factor", 1.0, 100.0),
            min,
            max,
            minSamples,
            window,
            r.child("shutdown").nonNegativeDuration("drain-timeout"),
            r.positiveDuration("dispatch-timeout"),
            r.intAtLeast("max-cut-attempts", 0),
            r.child("failures").intAtLeast("max-message-chars", 0),
            r.child("failures").intAtLeast("max-stack-trace-chars", 0),
            r.child("failures").intAtLeast("log-per-second", 1),
            types(r.child("types")));
    int stash = root.getInt("pekko.persistence.typed.stash-capacity");
    if (s.commandBuffer + s.maxRunningPerPartition + 64 > stash) {
      throw r.bad(
          "command-buffer",
          "plus warden.ledger.max-running-per-partition (" + s.maxRunningPerPartition + ") + 64 must fit"
              + " pekko.persistence.typed.stash-capacity (" + stash + ")",
          null);
    }
    return s;
  }

  private static Map<String, TypeOverride> types(ConfigReader types) {
    Map<String, TypeOverride> out = new HashMap<>();
    for (String name : types.config().root().keySet()) {
      ConfigReader c = types.child(name);
      out.put(
          name,
          new TypeOverride(
              c.has("start-to-close") ? Optional.of(c.positiveDuration("start-to-close")) : Optional.empty(),
              c.has("heartbeat-timeout") ? Optional.of(c.positiveDuration("heartbeat-timeout")) : Optional.empty(),
              c.has("max-concurrency") ? Optional.of(c.intAtLeast("max-concurrency", 1)) : Optional.empty(),
              c.has("max-attempts") ? Optional.of(c.intAtLeast("max-attempts", 1)) : Optional.empty()));
    }
    return Map.copyOf(out);
  }

  /** The partition job id {@code id} lives in. */
  public int partitionOf(String id) {
    return Math.floorMod(id.hashCode(), partitions);
  }
}
