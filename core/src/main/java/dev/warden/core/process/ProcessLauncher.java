package dev.warden.core.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The blocking side of {@link ExternalProcess}, on threads of its own and never an actor's: forking
 * a process (marked with its run's owner marker, tied to the node's life where {@code setpriv}
 * exists), pumping its output, and sweeping /proc for processes still carrying a marker.
 */
final class ProcessLauncher {
  /** One long-lived thread forks every child, so a parent-death signal fires only with the JVM. */
  private static final ExecutorService SPAWNER =
      Executors.newSingleThreadExecutor(r -> daemon(r, "warden-process-spawner"));

  private static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> daemon(r, "warden-process-pump"));

  /** Scans /proc for a run's marker, off actor threads; one at a time bounds their cost. */
  private static final ExecutorService SWEEPER = Executors.newSingleThreadExecutor(r -> daemon(r, "warden-process-sweeper"));

  private static final boolean SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv"));

  private ProcessLauncher() {}

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Starts {@code spec}'s process carrying {@code marker} in {@link ProcessTree#OWNER_ENV}, without the
   * node's environment variables named in {@code hidden} ({@link SecretEnv}) unless the spec sets them.
   */
  static CompletableFuture<Process> spawn(ProcessSpec spec, String marker, Set<String> hidden) {
    return CompletableFuture.supplyAsync(() -> start(spec, marker, hidden), SPAWNER);
  }

  private static Process start(ProcessSpec spec, String marker, Set<String> hidden) {
    List<String> argv = new ArrayList<>();
    if (spec.dieWithNode() && SETPRIV) {
      argv.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
    }
    argv.addAll(spec.argv());
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().keySet().removeAll(hidden);
    pb.environment().putAll(spec.env());
    pb.environment().put(ProcessTree.OWNER_ENV, marker);
    spec.workDir().ifPresent(d -> pb.directory(d.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + spec.argv() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Pumps the process's stdout and stderr until both close; their lines are logged with
   * {@code mdc} (the owning actor's, so a job's output lines carry its job id).
   */
  static CompletableFuture<Void> pump(Process process, String name, Logger log, OutputStream jobLog,
      OutputPump.Sink sink, ProcessSpec spec, Map<String, String> mdc) {
    return CompletableFuture.allOf(
        CompletableFuture.runAsync(
            withMdc(mdc, new OutputPump(process.getInputStream(), name + " stdout", log, jobLog, sink, spec)), PUMPS),
        CompletableFuture.runAsync(
            withMdc(mdc, new OutputPump(process.getErrorStream(), name + " stderr", log, jobLog, sink, spec)), PUMPS));
  }

  private static Runnable withMdc(Map<String, String> mdc, Runnable r) {
    return () -> {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
      try {
        r.run();
      } finally {
        MDC.clear();
      }
    };
  }

  /** {@link #sweep} off the caller's thread. */
  static CompletableFuture<List<Long>> sweepLater(String marker, Set<Long> known) {
    return CompletableFuture.supplyAsync(() -> sweep(marker, known), SWEEPER);
  }

  /**
   * SIGKILL to every process still carrying {@code marker} (blocking: reads /proc); answers those
   * that had escaped, i.e. were not among the {@code known} members of the tree.
   */
  static List<Long> sweep(String marker, Set<Long> known) {
    List<Long> killed = new ArrayList<>(ProcessTree.killWithEnv(ProcessTree.OWNER_ENV, marker));
    killed.removeIf(known::contains);
    return killed;
  }
}
