package dev.warden.ops.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bench phase in a fresh JVM: {@code java} from {@code java.home}, this JVM's classpath (the
 * shaded jar under {@code ops/warden}, the test classpath under Maven), the given JVM options
 * ({@code --child-jvm-opts}), {@code -D} overrides passed on as system properties (Warden puts
 * them on top of its config) and the logback file. Its stdout lines of the form {@code key=value}
 * are its results; everything else (and stderr) is kept only as a bounded tail for error messages.
 * A child that outlives its timeout is killed.
 */
final class ChildJvm implements AutoCloseable {
  private static final Pattern RESULT = Pattern.compile("^([a-z][a-z0-9_.]*)=(\\S.*)$");
  private static final int TAIL_LINES = 60;
  private static final int MAX_LINE = 2000;

  private final String name;
  private final Process process;
  /** Epoch ms just before the process was launched: "JVM start" for the cold-start figures. */
  final long launchedAtMillis;
  private final Map<String, String> results = new LinkedHashMap<>();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final List<Thread> readers = new ArrayList<>();

  /**
   * How bench children are started: JVM options ({@code --child-jvm-opts}), {@code -D} overrides,
   * the config file ({@code --config}, or {@code conf/application.conf}; null for none) the children
   * layer under the bench's own settings, and the directory their fresh per-run directories are made
   * in ({@code --data}; null for the system's temporary directory).
   */
  record Options(List<String> jvmOpts, Map<String, String> defines, Path configFile, Path workDir) {
    /** The environment variable that hands the config file to a child ({@link LedgerBenchChild}). */
    static final String CONFIG_ENV = "WARDEN_BENCH_CONFIG";

    static Options parse(String jvmOpts, Map<String, String> defines, Path configFile, Path workDir) {
      List<String> opts = new ArrayList<>();
      for (String o : jvmOpts.trim().split("\\s+")) {
        if (!o.isEmpty()) {
          opts.add(o);
        }
      }
      return new Options(List.copyOf(opts), Map.copyOf(defines),
          configFile == null ? null : configFile.toAbsolutePath(), workDir == null ? null : workDir.toAbsolutePath());
    }

    ChildJvm start(String name, Class<?> main, String... args) throws IOException {
      return ChildJvm.start(name, main, jvmOpts, defines, configFile, Map.of(), args);
    }

    /** {@link #start} with extra environment variables (e.g. a database password, kept off the command line). */
    ChildJvm start(String name, Map<String, String> env, Class<?> main, String... args) throws IOException {
      return ChildJvm.start(name, main, jvmOpts, defines, configFile, env, args);
    }

    /** A new, empty directory for one run's files: under {@link #workDir}, else in the system's temporary directory. */
    Path freshDir(String prefix) throws IOException {
      return freshDir(workDir, prefix);
    }

    static Path freshDir(Path workDir, String prefix) throws IOException {
      if (workDir == null) {
        return Files.createTempDirectory(prefix);
      }
      return Files.createTempDirectory(Files.createDirectories(workDir), prefix);
    }

    String describe() {
      return String.join(" ", jvmOpts) + (configFile == null ? "" : ", config " + configFile)
          + (workDir == null ? "" : ", files under " + workDir);
    }
  }

  private ChildJvm(String name, Process process, long launchedAtMillis) {
    this.name = name;
    this.process = process;
    this.launchedAtMillis = launchedAtMillis;
  }

  /**
   * Starts {@code main} with {@code args}; {@code args} may contain {@code {launch}}, replaced by
   * the launch time in epoch ms.
   */
  private static ChildJvm start(
      String name, Class<?> main, List<String> jvmOpts, Map<String, String> defines, Path configFile, Map<String, String> env,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(sharedArchive());
    cmd.addAll(jvmOpts);
    defines.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      cmd.add("-Dlogback.configurationFile=" + logback);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    long launch = System.currentTimeMillis();
    for (String a : args) {
      cmd.add(a.replace("{launch}", Long.toString(launch)));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    if (configFile != null) {
      pb.environment().put(Options.CONFIG_ENV, configFile.toString());
    } else {
      pb.environment().remove(Options.CONFIG_ENV);
    }
    Process p = pb.start();
    ChildJvm child = new ChildJvm(name, p, launch);
    child.read(p.getInputStream(), true);
    child.read(p.getErrorStream(), false);
    return child;
  }

  /**
   * The class-data archive this JVM was started with ({@code ops/warden} records one per build), so
   * that children start the way a node started by {@code ops/warden} does.
   */
  static List<String> sharedArchive() {
    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:SharedArchiveFile=")) {
        return List.of(arg, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
      }
    }
    return List.of();
  }

  private void read(InputStream in, boolean stdout) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String l = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
          synchronized (this) {
            Matcher m = stdout ? RESULT.matcher(l) : null;
            if (m != null && m.matches()) {
              results.put(m.group(1), m.group(2).trim());
            }
            tail.addLast(l);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
            notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the child went away
      }
    }, "bench-child-" + name + (stdout ? "-out" : "-err"));
    t.setDaemon(true);
    t.start();
    readers.add(t);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the child printed {@code key=...}; fails (and kills it) if it exits or times out first. */
  synchronized String await(String key, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!results.containsKey(key)) {
      long left = deadline - System.nanoTime();
      if (!process.isAlive()) {
        wait(200); // let the readers drain what it printed last
        if (results.containsKey(key)) {
          break;
        }
        throw failure("exited " + process.exitValue() + " before reporting " + key);
      }
      if (left <= 0) {
        kill();
        throw failure("did not report " + key + " within " + timeout + "; killed");
      }
      wait(Math.max(1, Math.min(100, left / 1_000_000)));
    }
    return results.get(key);
  }

  /** Waits for a clean exit and answers every result; kills the child after {@code timeout}. */
  Map<String, String> finish(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw failure("did not finish within " + timeout + "; killed");
    }
    for (Thread t : readers) {
      t.join(5_000);
    }
    synchronized (this) {
      if (process.exitValue() != 0) {
        throw failure("exited " + process.exitValue());
      }
      return new LinkedHashMap<>(results);
    }
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private synchronized IllegalStateException failure(String what) {
    return new IllegalStateException("bench child [" + name + "] " + what + "; its output ends:\n  " + String.join("\n  ", tail));
  }

  static double number(Map<String, String> results, String key) {
    String v = results.get(key);
    if (v == null) {
      throw new IllegalStateException("bench child did not report " + key + "; it reported " + results.keySet());
    }
    return Double.parseDouble(v.split(" ")[0]);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
