package dev.warden.workers.build;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.warden.core.ConfigReader;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/** {@code warden.build}, read once and validated; see the workers module's reference.conf. */
public record BuildSettings(
    int prefetch,
    Duration leaseDuration,
    int maxFailures,
    boolean stealing,
    Duration staleAfter,
    Duration offlineAfter,
    Duration probeInterval,
    Duration probeTimeout,
    int probeFailures,
    Duration probeWindow,
    Map<EscalationLevel, Rung> ladder,
    Duration notStartedAlarm,
    Retention retention) {

  /** {@code warden.build.retention}: how long finished state is kept, and how often the rules run. */
  public record Retention(Duration endedAttempts, Duration finishedPackages, Duration goneDrones, Duration promotedReleases,
      Duration sweepInterval) {}

  /** One level of the escalation ladder: the action's argv ({@code {drone}} replaced) and its cooldown. */
  public record Rung(List<String> command, Duration cooldown) {
    public Rung {
      command = List.copyOf(command);
    }

    /** The argv for {@code droneId}; empty when the level is only logged. */
    public List<String> commandFor(String droneId) {
      return command.stream().map(a -> a.replace("{drone}", droneId)).toList();
    }
  }

  public BuildSettings {
    ladder = Map.copyOf(new EnumMap<>(ladder));
  }

  public static BuildSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  public static BuildSettings create(Config root) {
    ConfigReader b = ConfigReader.at(root, "warden.build");
    ConfigReader l = b.child("leases");
    ConfigReader h = b.child("heartbeat");
    ConfigReader g = b.child("healing");
    int prefetch = l.intAtLeast("prefetch", 1);
    if (prefetch > 100) {
      throw l.bad("prefetch", "must be between 1 and 100", null);
    }
    Duration stale = h.positiveDuration("stale-after");
    Duration offline = h.positiveDuration("offline-after");
    if (offline.compareTo(stale) <= 0) {
      throw h.bad("offline-after", "must be longer than warden.build.heartbeat.stale-after (" + written(h, "stale-after") + ")", null);
    }
    Duration interval = g.positiveDuration("probe-interval");
    Duration timeout = g.positiveDuration("probe-timeout");
    if (timeout.compareTo(interval) > 0) {
      throw g.bad("probe-timeout", "must be at most warden.build.healing.probe-interval (" + written(g, "probe-interval") + ")", null);
    }
    ConfigReader ladder = g.child("ladder");
    Map<EscalationLevel, Rung> rungs = new EnumMap<>(EscalationLevel.class);
    for (EscalationLevel level : EscalationLevel.values()) {
      ConfigReader r = ladder.child(level.key());
      rungs.put(level, new Rung(command(r), r.nonNegativeDuration("cooldown")));
    }
    return new BuildSettings(
        prefetch,
        l.positiveDuration("duration"),
        l.intAtLeast("max-failures", 1),
        l.bool("stealing"),
        stale,
        offline,
        interval,
        timeout,
        g.intAtLeast("failures", 1),
        g.nonNegativeDuration("window"),
        rungs,
        b.positiveDuration("not-started-alarm"),
        retention(b.child("retention"), h, offline));
  }

  private static Retention retention(ConfigReader r, ConfigReader h, Duration offline) {
    Duration attempts = r.positiveDuration("ended-attempts");
    if (attempts.compareTo(offline) <= 0) {
      throw r.bad("ended-attempts", "must be longer than warden.build.heartbeat.offline-after (" + written(h, "offline-after") + "): a report of a"
          + " reclaimed lease can still arrive", null);
    }
    Duration packages = r.positiveDuration("finished-packages");
    if (packages.compareTo(attempts) < 0) {
      throw r.bad("finished-packages", "must be at least warden.build.retention.ended-attempts (" + written(r, "ended-attempts") + ")", null);
    }
    Duration drones = r.positiveDuration("gone-drones");
    if (drones.compareTo(offline) <= 0) {
      throw r.bad("gone-drones", "must be longer than warden.build.heartbeat.offline-after (" + written(h, "offline-after") + ")", null);
    }
    return new Retention(attempts, packages, drones, r.positiveDuration("promoted-releases"), r.positiveDuration("sweep-interval"));
  }

  /** The settings of {@code level}. */
  public Rung rung(EscalationLevel level) {
    return ladder.get(level);
  }

  /** A value as the configuration wrote it ("90s", not PT1M30S). */
  private static String written(ConfigReader r, String key) {
    return String.valueOf(r.config().getValue(key).unwrapped());
  }

  private static List<String> command(ConfigReader r) {
    List<String> argv;
    try {
      argv = r.config().getStringList("command");
    } catch (ConfigException.Missing e) {
      throw r.bad("command", "is missing (a list of strings; [] only logs the level)", e);
    } catch (ConfigException e) {
      throw r.bad("command", "must be a list of strings (the action's argv)", e);
    }
    if (!argv.isEmpty() && argv.get(0).isBlank()) {
      throw r.bad("command", "must start with the program to run, or be empty", null);
    }
    return argv;
  }
}
