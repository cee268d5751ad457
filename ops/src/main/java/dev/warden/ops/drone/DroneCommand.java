package dev.warden.ops.drone;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden drone}: a build drone speaking the build kind's HTTP protocol (docs/kinds/build.md) until SIGTERM.
 * Each lease runs {@code COMMAND} ({@code {package}} replaced; {@code WARDEN_PACKAGE}, {@code WARDEN_EPOCH},
 * {@code WARDEN_ARTIFACT}, {@code WARDEN_DRONE} in its environment) in {@code <workdir>/<package>-<epoch>}; exit 0 is
 * success, and the sha-256 of the file it wrote to {@code $WARDEN_ARTIFACT} is the reported digest.
 */
@Command(name = "drone", mixinStandardHelpOptions = true,
    description = "Run a build drone: register with a control plane, lease packages, build them, report (until SIGTERM).")
public final class DroneCommand implements Callable<Integer> {
  @Option(names = "--control", required = true, description = "the control plane's base URL, e.g. http://127.0.0.1:8080")
  String control;

  @Option(names = "--id", required = true, description = "this drone's id (name drones by their host names: probes use it)")
  String id;

  @Option(names = "--cores", required = true, description = "cores this drone offers")
  int cores;

  @Option(names = "--token-file", description = "file whose first line is this drone's bearer token (owner-only)")
  Path tokenFile;

  @Option(names = "--workdir", defaultValue = "drone-work", description = "where builds run and their logs go (default: ${DEFAULT-VALUE})")
  Path workdir;

  @Option(names = "--machine", defaultValue = "unknown", description = "vm, container, bare-metal or unknown (default: ${DEFAULT-VALUE})")
  String machine;

  @Option(names = "--capability", description = "a capability packages may require (repeatable)")
  List<String> capabilities = new ArrayList<>();

  @Option(names = "--prefetch", defaultValue = "2", description = "packages to hold beside the one it builds (default: ${DEFAULT-VALUE}; the control plane caps it)")
  int prefetch;

  @Option(names = "--heartbeat", defaultValue = "5s", description = "heartbeat cadence (default: ${DEFAULT-VALUE})")
  String heartbeat;

  @Option(names = "--poll", defaultValue = "2s", description = "lease and report retry cadence (default: ${DEFAULT-VALUE})")
  String poll;

  @Option(names = "--stop-grace", defaultValue = "5s", description = "SIGTERM to SIGKILL of a stopped build (default: ${DEFAULT-VALUE})")
  String stopGrace;

  @Parameters(paramLabel = "COMMAND", description = "the build command after --, e.g. -- sh -c 'make {package}'")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a build command is required after --, e.g. warden drone ... -- sh -c 'make \"$WARDEN_PACKAGE\"'");
    }
    if (cores < 1) {
      throw new IllegalArgumentException("--cores must be >= 1, but was " + cores);
    }
    if (!List.of("vm", "container", "bare-metal", "unknown").contains(machine)) {
      throw new IllegalArgumentException("--machine must be vm, container, bare-metal or unknown, but was " + machine);
    }
    if (!control.startsWith("http://") && !control.startsWith("https://")) {
      throw new IllegalArgumentException("--control must be an http(s) URL, but was " + control);
    }
    Optional<String> token = Optional.empty();
    if (tokenFile != null) {
      try {
        token = Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().map(String::trim).filter(t -> !t.isEmpty());
      } catch (IOException e) {
        throw new IllegalArgumentException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new IllegalArgumentException("--token-file: " + tokenFile + " has no token on its first line");
      }
    }
    Path work = workdir.toAbsolutePath().normalize();
    Files.createDirectories(work);
    Duration beat = duration("--heartbeat", heartbeat);
    DroneOptions options = new DroneOptions(control, id, cores, machine, capabilities, token, work, command, Math.max(0, prefetch),
        beat, duration("--poll", poll), Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(30),
        duration("--stop-grace", stopGrace));
    ActorSystem<DroneAgent.Command> system = ActorSystem.create(DroneAgent.create(options), "drone",
        ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off\npekko.jvm-shutdown-hooks = on\n").withFallback(ConfigFactory.load()));
    System.out.println("warden drone [" + id + "] working for " + control + " in " + work + " (stop with Ctrl-C or SIGTERM)");
    System.out.flush();
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  private static Duration duration(String option, String value) {
    try {
      Duration d = ConfigFactory.parseString("d = " + value).getDuration("d");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " must be a positive duration such as 5s or 200ms, but was " + value);
    }
  }
}
