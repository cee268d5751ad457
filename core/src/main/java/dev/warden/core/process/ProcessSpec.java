package dev.warden.core.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to run and how to treat it.
 *
 * @param argv command and arguments (no shell unless you ask for one)
 * @param env variables added to the inherited environment
 * @param workDir working directory
 * @param logFile per-job log receiving every output line (bounded by {@code maxLogBytes}), if any
 * @param stopGrace time between SIGTERM and SIGKILL of the whole tree
 * @param exitPolicy meaning of exit codes
 * @param maxLineBytes longer lines are cut (the rest of the line is dropped and counted)
 * @param maxLogBytes cap of the per-job log file
 * @param logLinesPerSecond output lines copied to the node log per second; the rest are counted
 * @param heartbeatEvery at most one {@code Heartbeat} to the owner per this interval
 * @param dieWithNode start the child under {@code setpriv --pdeathsig SIGKILL} (when available),
 *     so it is killed if the node's JVM dies, even by kill -9
 * @param owner the owner marker put in the child's environment as {@link ProcessTree#OWNER_ENV}
 *     (inherited by every descendant); when the tree ends, processes carrying exactly this marker
 *     are killed too, even re-parented ones. Must be unique to this run (e.g. {@code
 *     <data dir>/<kind>/<attempt>/<run>}); empty: a marker unique to this JVM is made up
 */
public record ProcessSpec(
    List<String> argv,
    Map<String, String> env,
    Optional<Path> workDir,
    Optional<Path> logFile,
    Duration stopGrace,
    ExitPolicy exitPolicy,
    int maxLineBytes,
    long maxLogBytes,
    int logLinesPerSecond,
    Duration heartbeatEvery,
    boolean dieWithNode,
    Optional<String> owner) {

  public ProcessSpec {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    if (owner.isPresent() && owner.get().isBlank()) {
      throw new IllegalArgumentException("owner marker must not be blank");
    }
  }

  /** Sensible defaults: 5 s grace, default exit policy, 8 KiB lines, 64 MiB log, 20 lines/s to the node log. */
  public static ProcessSpec of(List<String> argv) {
    return new ProcessSpec(
        argv, Map.of(), Optional.empty(), Optional.empty(), Duration.ofSeconds(5), ExitPolicy.defaults(),
        8192, 64L << 20, 20, Duration.ofMillis(500), true, Optional.empty());
  }

  public ProcessSpec withEnv(Map<String, String> e) {
    return new ProcessSpec(argv, e, workDir, logFile, stopGrace, exitPolicy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withWorkDir(Path dir) {
    return new ProcessSpec(argv, env, Optional.of(dir), logFile, stopGrace, exitPolicy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withLogFile(Path file) {
    return new ProcessSpec(argv, env, workDir, Optional.of(file), stopGrace, exitPolicy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withStopGrace(Duration grace) {
    return new ProcessSpec(argv, env, workDir, logFile, grace, exitPolicy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withExitPolicy(ExitPolicy policy) {
    return new ProcessSpec(argv, env, workDir, logFile, stopGrace, policy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withLimits(int lineBytes, long logBytes, int linesPerSecond) {
    return new ProcessSpec(argv, env, workDir, logFile, stopGrace, exitPolicy, lineBytes, logBytes,
        linesPerSecond, heartbeatEvery, dieWithNode, owner);
  }

  public ProcessSpec withOwner(String marker) {
    return new ProcessSpec(argv, env, workDir, logFile, stopGrace, exitPolicy, maxLineBytes, maxLogBytes,
        logLinesPerSecond, heartbeatEvery, dieWithNode, Optional.of(marker));
  }
}
