package dev.warden.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A process and its descendants, as Linux sees them: signals for the whole tree and resident
 * memory read from {@code /proc}. Descendants are collected before signalling, because once a
 * parent dies its children are re-parented and can no longer be found through it.
 */
public final class ProcessTree {
  private ProcessTree() {}

  /** The root and every live descendant (a snapshot). */
  public static List<ProcessHandle> members(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /** SIGTERM to every member; answers the members signalled (for a later SIGKILL). */
  public static Set<ProcessHandle> terminate(ProcessHandle root) {
    Set<ProcessHandle> members = new LinkedHashSet<>(members(root));
    for (ProcessHandle p : members) {
      p.destroy();
    }
    return members;
  }

  /** SIGKILL to {@code known} and to every descendant of the root still to be found. */
  public static void kill(ProcessHandle root, Set<ProcessHandle> known) {
    Set<ProcessHandle> all = new LinkedHashSet<>(known);
    all.addAll(members(root));
    for (ProcessHandle p : all) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * True while {@code pid} runs: exists in /proc and is not a zombie (a killed process whose
   * re-parent has not reaped it yet is gone for every purpose but a pid).
   */
  public static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** True when no member of {@code members} is alive any more. */
  public static boolean allGone(Set<ProcessHandle> members) {
    return members.stream().noneMatch(ProcessHandle::isAlive);
  }

  /**
   * The environment variable that marks every external process Warden starts, and all its
   * descendants, with its owner (see {@link ProcessSpec#owner}).
   */
  public static final String OWNER_ENV = "WARDEN_OWNER";

  /** The part of a process's environment block read when looking for a marker (bounds the scan). */
  static final int MAX_ENVIRON_BYTES = 128 * 1024;

  private static final int KILL_PASSES = 3;

  /**
   * Processes whose environment holds {@code key=value} (read from {@code /proc/<pid>/environ},
   * at most {@link #MAX_ENVIRON_BYTES} of it; processes of other users are skipped). Children
   * inherit the environment, so this finds a whole tree even after its root died and its members
   * were re-parented. It cannot find a process that replaced its environment ({@code env -i},
   * exec with a fresh environment). One pass over /proc: its cost grows with the host's process count.
   */
  public static List<ProcessHandle> withEnv(String key, String value) {
    byte[] needle = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    byte[] buffer = new byte[MAX_ENVIRON_BYTES];
    List<ProcessHandle> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (var dirs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path d : dirs) {
        long pid = pidOf(d.getFileName().toString());
        if (pid <= 0 || pid == self) {
          continue;
        }
        try (InputStream in = Files.newInputStream(d.resolve("environ"))) {
          int n = in.readNBytes(buffer, 0, buffer.length);
          if (containsEntry(buffer, n, needle)) {
            ProcessHandle.of(pid).ifPresent(found::add);
          }
        } catch (IOException | RuntimeException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  /**
   * SIGKILL to every process carrying {@code key=value}; the scan is repeated (up to three passes)
   * until it finds none, so a child forked while the first pass ran is caught by the next. Answers
   * the pids killed. Blocking (reads /proc): call it off actor threads where it can be slow.
   */
  public static List<Long> killWithEnv(String key, String value) {
    List<Long> killed = new ArrayList<>();
    for (int pass = 0; pass < KILL_PASSES; pass++) {
      List<ProcessHandle> found = withEnv(key, value);
      found.removeIf(p -> !running(p.pid()));
      if (found.isEmpty()) {
        break;
      }
      for (ProcessHandle p : found) {
        if (p.destroyForcibly()) {
          killed.add(p.pid());
        }
      }
    }
    return killed;
  }

  private static long pidOf(String name) {
    long pid = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9' || i > 18) {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return name.isEmpty() ? -1 : pid;
  }

  private static boolean containsEntry(byte[] environ, int length, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= length; i++) {
      if (i == length || environ[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Resident set size of the root and its descendants, in bytes (0 where /proc has nothing). */
  public static long rssBytes(ProcessHandle root) {
    long total = 0;
    for (ProcessHandle p : members(root)) {
      total += rssBytes(p.pid());
    }
    return total;
  }

  /** VmRSS of one process from {@code /proc/<pid>/status}, in bytes; 0 if it is gone. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return MemInfo.kibField(line) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
